"""Search for Experiment, ExperimentTrial and ExperimentTrialComponent, in-process and over HTTP.

Each test names its entities with a unique token and restricts every search to them (the HTTP
server is shared by the session).
"""

from __future__ import annotations

import time

import pytest

from lineage_magics.connect import connect_metrics

TC = "ExperimentTrialComponent"


@pytest.fixture
def runs(sm, u):
    """An experiment ``u`` with two trials; three trial components with parameters, metrics, tags."""
    sm.create_experiment(ExperimentName=u, DisplayName="Mine", Tags=[{"Key": "team", "Value": "ml"}])
    sm.create_trial(TrialName=f"{u}-a", ExperimentName=u)
    sm.create_trial(TrialName=f"{u}-b", ExperimentName=u)
    metrics = connect_metrics(sm)
    specs = [
        ("r0", 0.1, "sgd", [0.9, 0.5, 0.4], "Completed", "a"),
        ("r1", 0.01, "adam", [0.8, 0.7], "Failed", "a"),
        ("r2", 0.5, "adam", [0.3], "Completed", "b"),
    ]
    now = time.time()
    for name, lr, opt, losses, status, trial in specs:
        tc = f"{u}-{name}"
        sm.create_trial_component(
            TrialComponentName=tc,
            DisplayName=f"Run-{name}",
            Parameters={"lr": {"NumberValue": lr}, "opt": {"StringValue": opt}},
            Status={"PrimaryStatus": status},
            InputArtifacts={"data": {"Value": f"s3://bucket/{name}/train.csv", "MediaType": "text/csv"}},
            Tags=[{"Key": "owner", "Value": f"me-{name}"}],
        )
        sm.associate_trial_component(TrialComponentName=tc, TrialName=f"{u}-{trial}")
        data = [
            {"MetricName": "train:loss", "Timestamp": now + i, "Step": i, "Value": v}
            for i, v in enumerate(losses)
        ]
        metrics.batch_put_metrics(TrialComponentName=tc, MetricData=data)
    return u


def names(sm, u, *filters, resource=TC, **kwargs):
    """Names of the ``u`` records matching ``filters`` (And), in the order Search answers."""
    member = {TC: "TrialComponent", "ExperimentTrial": "Trial", "Experiment": "Experiment"}[resource]
    key = {TC: "TrialComponentName", "ExperimentTrial": "TrialName", "Experiment": "ExperimentName"}[resource]
    expression = {"Filters": [{"Name": key, "Operator": "Contains", "Value": u}, *filters]}
    results = sm.search(Resource=resource, SearchExpression=expression, **kwargs)["Results"]
    return [r[member][key].replace(f"{u}-", "") for r in results]


def f(name, operator=None, value=None):
    out = {"Name": name}
    if operator:
        out["Operator"] = operator
    if value is not None:
        out["Value"] = value
    return out


ASC = {"SortBy": "TrialComponentName", "SortOrder": "Ascending"}


@pytest.mark.parametrize(
    "flt, expected",
    [
        (f("Parameters.lr", "Equals", "0.1"), ["r0"]),
        (f("Parameters.opt", None, "adam"), ["r1", "r2"]),  # no operator: Equals
        (f("Parameters.opt", "NotEquals", "adam"), ["r0"]),
        (f("Parameters.lr", "GreaterThan", "0.1"), ["r2"]),
        (f("Parameters.lr", "GreaterThanOrEqualTo", "0.1"), ["r0", "r2"]),
        (f("Parameters.lr", "LessThan", "0.1"), ["r1"]),
        (f("Parameters.lr", "LessThanOrEqualTo", "0.1"), ["r0", "r1"]),
        (f("DisplayName", "Contains", "n-r2"), ["r2"]),
        (f("Status.PrimaryStatus", "In", "Failed, Stopped"), ["r1"]),
        (f("Parameters.lr", "In", "0.1, 0.5"), ["r0", "r2"]),  # a number parameter compared as a number
        (f("Parameters.opt", "In", "sgd,rmsprop"), ["r0"]),
        (f("Metrics.train:loss.Min", "LessThan", "0.45"), ["r0", "r2"]),
        (f("metrics.train:loss.count", "Equals", "2"), ["r1"]),  # SageMaker's examples write lower case
        (f("Metrics.train:loss", "LessThan", "0.5"), ["r0", "r2"]),  # no statistic: the Last value
        (f("Metrics.train:loss.Max", "Exists"), ["r0", "r1", "r2"]),
        (f("Metrics.accuracy.Max", "NotExists"), ["r0", "r1", "r2"]),
        (f("Parents.TrialName", "Equals", "{u}-b"), ["r2"]),
        (f("Tags.owner", "Equals", "me-r1"), ["r1"]),
        (f("InputArtifacts.data.Value", "Contains", "r0/train"), ["r0"]),
        (f("InputArtifacts.data.MediaType", "Equals", "text/csv"), ["r0", "r1", "r2"]),
        (f("CreationTime", "GreaterThan", "2000-01-01T00:00:00"), ["r0", "r1", "r2"]),
        (f("CreationTime", "LessThan", "2000-01-01T00:00:00"), []),
    ],
)
def test_each_operator(sm, runs, flt, expected):
    flt = {k: v.format(u=runs) for k, v in flt.items()}
    assert names(sm, runs, flt, **ASC) == expected


def test_nested_filters_ask_one_element_to_match_all(sm, runs):
    u = runs
    same = {"NestedPropertyName": "Parents", "Filters": [f("Parents.TrialName", "Equals", f"{u}-b"),
                                                         f("Parents.ExperimentName", "Equals", u)]}  # fmt: skip
    expression = {"Filters": [f("TrialComponentName", "Contains", u)], "NestedFilters": [same]}
    got = sm.search(Resource=TC, SearchExpression=expression)["Results"]
    assert [r["TrialComponent"]["TrialComponentName"] for r in got] == [f"{u}-r2"]
    other = {"NestedPropertyName": "Parents", "Filters": [f("Parents.TrialName", "Equals", f"{u}-b"),
                                                          f("Parents.ExperimentName", "Equals", "other")]}  # fmt: skip
    expression["NestedFilters"] = [other]
    assert sm.search(Resource=TC, SearchExpression=expression)["Results"] == []


def test_sub_expressions_and_or(sm, runs):
    u = runs
    either = {"Operator": "Or", "Filters": [f("Parameters.lr", "GreaterThan", "0.2"),
                                            f("Status.PrimaryStatus", "Equals", "Failed")]}  # fmt: skip
    expression = {"Filters": [f("TrialComponentName", "Contains", u)], "SubExpressions": [either]}
    got = sm.search(Resource=TC, SearchExpression=expression, **ASC)["Results"]
    assert [r["TrialComponent"]["DisplayName"] for r in got] == ["Run-r1", "Run-r2"]
    both = dict(either, Operator="And")
    expression["SubExpressions"] = [both]
    assert sm.search(Resource=TC, SearchExpression=expression)["Results"] == []


def test_sort_on_a_parameter_and_a_metric_statistic(sm, runs):
    assert names(sm, runs, SortBy="Parameters.lr", SortOrder="Ascending") == ["r1", "r0", "r2"]
    assert names(sm, runs, SortBy="Parameters.lr", SortOrder="Descending") == ["r2", "r0", "r1"]
    assert names(sm, runs, SortBy="Metrics.train:loss.Max") == ["r0", "r1", "r2"]  # Descending by default
    assert names(sm, runs, SortBy="metrics.train:loss.min", SortOrder="Ascending") == ["r2", "r0", "r1"]
    sm.create_trial_component(TrialComponentName=f"{runs}-r3")  # no parameters: last, in either order
    assert names(sm, runs, SortBy="Parameters.lr", SortOrder="Ascending") == ["r1", "r0", "r2", "r3"]
    assert names(sm, runs, SortBy="Parameters.lr", SortOrder="Descending") == ["r2", "r0", "r1", "r3"]
    assert names(sm, runs, SortBy="Parents.TrialName", SortOrder="Descending")[0] == "r2"


def test_paging_through_the_paginator(sm, runs):
    expression = {"Filters": [f("TrialComponentName", "Contains", runs)]}
    pages = sm.get_paginator("search").paginate(
        Resource=TC, SearchExpression=expression, SortBy="Parameters.lr", SortOrder="Ascending",
        PaginationConfig={"PageSize": 2},
    )  # fmt: skip
    sizes, seen = [], []
    for page in pages:
        sizes.append(len(page["Results"]))
        seen += [r["TrialComponent"]["TrialComponentName"] for r in page["Results"]]
    assert sizes == [2, 1]
    assert seen == [f"{runs}-r1", f"{runs}-r0", f"{runs}-r2"]
    first = sm.search(Resource=TC, SearchExpression=expression, MaxResults=1)
    assert first["TotalHits"] == {"Value": 3, "Relation": "EqualTo"}
    code, message = _error(sm, Resource=TC, SearchExpression=expression, NextToken=first["NextToken"],
                           SortBy="Parameters.lr")  # fmt: skip
    assert code == "ValidationException" and "NextToken" in message


def test_search_records_have_sagemakers_shape(sm, runs):
    u = runs
    (record,) = sm.search(
        Resource=TC, SearchExpression={"Filters": [f("TrialComponentName", "Equals", f"{u}-r0")]}
    )["Results"]
    tc = record["TrialComponent"]
    assert tc["Parameters"] == {"lr": {"NumberValue": 0.1}, "opt": {"StringValue": "sgd"}}
    assert tc["Parents"] == [{"TrialName": f"{u}-a", "ExperimentName": u}]
    assert tc["Tags"] == [{"Key": "owner", "Value": "me-r0"}]
    assert tc["InputArtifacts"] == {"data": {"Value": "s3://bucket/r0/train.csv", "MediaType": "text/csv"}}
    (loss,) = tc["Metrics"]
    assert (loss["MetricName"], loss["Count"], loss["Min"], loss["Max"], loss["Last"]) == (
        "train:loss",
        3,
        0.4,
        0.9,
        0.4,
    )
    assert loss["Avg"] == pytest.approx(0.6) and loss["StdDev"] == pytest.approx(0.2645751311)
    (trial,) = sm.search(
        Resource="ExperimentTrial", SearchExpression={"Filters": [f("TrialName", "Equals", f"{u}-a")]}
    )["Results"]
    assert trial["Trial"]["ExperimentName"] == u
    assert [s["TrialComponentName"] for s in trial["Trial"]["TrialComponentSummaries"]] == [
        f"{u}-r0",
        f"{u}-r1",
    ]
    assert names(sm, u, f("Tags.team", "Equals", "ml"), resource="Experiment") == [u]
    assert names(sm, u, f("DisplayName", "Equals", "Mine"), resource="Experiment") == [u]
    assert names(sm, u, f("ExperimentName", "Equals", u), resource="ExperimentTrial") == ["b", "a"]


def _error(sm, **kwargs):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        sm.search(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    "expression, words",
    [
        ({"Filters": [f("Nope", "Equals", "x")]}, "Unknown property name 'Nope'"),
        ({"Filters": [f("Parameters", "Equals", "x")]}, None),  # a map is no value: still valid, no match
        ({"Filters": [f("DisplayName", "GreaterThan", "x")]}, "not supported for the text property"),
        ({"Filters": [f("CreationTime", "Contains", "2020")]}, "only supported for text properties"),
        ({"Filters": [f("DisplayName", "Equals")]}, "needs a Value"),
        ({"Filters": [f("Metrics.loss.Max", "GreaterThan", "high")]}, "is not a number"),
        ({"Filters": [f("CreationTime", "GreaterThan", "yesterday")]}, "is not a date-time"),
        ({"Filters": [f("Status.PrimaryStatus", "Contains", "a"), f("Source.SourceArn", "Contains", "b")]},
         "'CONTAINS' operator usage limit of 1 exceeded."),
        ({"Operator": "And"}, "at least one subexpression, filter, or nested filter"),
        ({"Filters": [f("DisplayName", "Equals", "x")] * 21}, "length less than or equal to 20"),
        ({"SubExpressions": [{"Filters": [f("DisplayName", "Equals", "x")] * 20}] * 3}, "is 50"),
        ({"NestedFilters": [{"NestedPropertyName": "Parents", "Filters": [f("TrialName", "Equals", "x")]}]},
         "must start with the nested property name 'Parents'"),
        ({"NestedFilters": [{"NestedPropertyName": "DisplayName", "Filters": [f("DisplayName.x", "Equals", "x")]}]},
         "not a nested (list) property"),
        ({"Filters": [f("Status.PrimaryStatus", "Equals", "x")], "Operator": "Xor"}, "enum value set: [And, Or]"),
    ],
)  # fmt: skip
def test_bad_expressions_are_validation_errors(sm, expression, words):
    if words is None:
        assert sm.search(Resource=TC, SearchExpression=expression)["Results"] == []
        return
    code, message = _error(sm, Resource=TC, SearchExpression=expression)
    assert code == "ValidationException"
    assert words in message


def test_other_errors(sm):
    code, message = _error(sm, Resource="TrainingJob")
    assert code == "ValidationException"
    assert "Search of TrainingJob is not supported by the local lineage service" in message
    code, message = _error(sm, Resource=TC, SortBy="Nope.deeper")
    assert code == "ValidationException" and "Unknown property name 'Nope.deeper'" in message
    code, message = _error(sm, Resource=TC, NextToken="garbage")
    assert code == "ValidationException" and "pagination token" in message
    assert sm.search(Resource=TC, CrossAccountFilterOption="CrossAccount")["Results"] == []


def test_default_order_is_last_modified_descending(sm, u):
    for i in range(3):
        sm.create_experiment(ExperimentName=f"{u}-e{i}")
        time.sleep(0.002)
    sm.update_experiment(ExperimentName=f"{u}-e0", DisplayName="touched")
    assert names(sm, u, resource="Experiment") == ["e0", "e2", "e1"]


def test_parameter_with_both_string_and_number_value(sm, u):
    """SageMaker accepts a parameter holding both members (the SDK's older versions send that)."""
    both = {"StringValue": "3", "NumberValue": 3.0}
    sm.create_trial_component(TrialComponentName=f"{u}-p", Parameters={"n": both})
    sm.update_trial_component(TrialComponentName=f"{u}-p", Parameters={"m": both})
    assert sm.describe_trial_component(TrialComponentName=f"{u}-p")["Parameters"] == {"n": both, "m": both}
    assert names(sm, u, f("Parameters.n", "GreaterThan", "2")) == ["p"]
