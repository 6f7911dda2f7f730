"""Experiments, trials, trial components: names, ordering rules, membership, lists."""

from __future__ import annotations


def test_experiment_lifecycle(sm, b, u):
    arn = sm.create_experiment(ExperimentName=f"{u}-Exp", Description="d")["ExperimentArn"]
    assert arn == f"arn:aws:sagemaker:us-east-1:000000000000:experiment/{u}-Exp"
    got = sm.describe_experiment(ExperimentName=f"{u}-exp")  # names are case-insensitive
    assert (
        got["ExperimentName"] == f"{u}-Exp" and got["Description"] == "d" and got["DisplayName"] == f"{u}-Exp"
    )
    sm.update_experiment(ExperimentName=f"{u}-Exp", DisplayName="Shown")
    assert sm.describe_experiment(ExperimentName=f"{u}-Exp")["DisplayName"] == "Shown"
    code, message = b.error(sm.create_experiment, ExperimentName=f"{u}-EXP")
    assert code == "ValidationException" and "already exists" in message
    sm.delete_experiment(ExperimentName=f"{u}-Exp")
    assert b.error(sm.describe_experiment, ExperimentName=f"{u}-Exp")[0] == "ResourceNotFound"


def test_trial_needs_experiment(sm, b, u):
    code, _ = b.error(sm.create_trial, TrialName=f"{u}-t", ExperimentName=f"{u}-none")
    assert code == "ResourceNotFound"


def test_ordering_rules(sm, b, u):
    sm.create_experiment(ExperimentName=f"{u}-e")
    sm.create_trial(TrialName=f"{u}-t", ExperimentName=f"{u}-e")
    tc_arn = sm.create_trial_component(TrialComponentName=f"{u}-tc", Status={"PrimaryStatus": "Completed"})[
        "TrialComponentArn"
    ]
    sm.associate_trial_component(TrialComponentName=f"{u}-tc", TrialName=f"{u}-t")
    code, message = b.error(sm.delete_experiment, ExperimentName=f"{u}-e")
    assert code == "ValidationException" and "trial" in message
    code, message = b.error(sm.delete_trial, TrialName=f"{u}-t")
    assert code == "ValidationException" and "trial component" in message
    code, message = b.error(sm.delete_trial_component, TrialComponentName=f"{u}-tc")
    assert code == "ValidationException"
    assert message == f"TrialComponent '{tc_arn}' is linked to 1 or more trials and cannot be deleted."
    sm.disassociate_trial_component(TrialComponentName=f"{u}-tc", TrialName=f"{u}-t")
    sm.delete_trial_component(TrialComponentName=f"{u}-tc")
    sm.delete_trial(TrialName=f"{u}-t")
    sm.delete_experiment(ExperimentName=f"{u}-e")


def test_trial_component_fields_and_update(sm, b, u):
    arn = sm.create_trial_component(
        TrialComponentName=f"{u}-tc",
        DisplayName="Training",
        Status={"PrimaryStatus": "InProgress"},
        Parameters={"lr": {"NumberValue": 0.1}, "opt": {"StringValue": "adam"}},
        InputArtifacts={"data": {"Value": "s3://x", "MediaType": "text/csv"}},
    )["TrialComponentArn"]
    got = sm.describe_trial_component(TrialComponentName=arn)
    assert got["DisplayName"] == "Training" and got["Status"] == {"PrimaryStatus": "InProgress"}
    assert got["Parameters"] == {"lr": {"NumberValue": 0.1}, "opt": {"StringValue": "adam"}}
    sm.update_trial_component(
        TrialComponentName=f"{u}-tc",
        Status={"PrimaryStatus": "Completed"},
        Parameters={"epochs": {"NumberValue": 3}},
        ParametersToRemove=["opt"],
    )
    got = sm.describe_trial_component(TrialComponentName=f"{u}-TC")
    assert got["Status"]["PrimaryStatus"] == "Completed"
    assert got["Parameters"] == {"lr": {"NumberValue": 0.1}, "epochs": {"NumberValue": 3}}
    code, message = b.error(
        sm.update_trial_component, TrialComponentName=f"{u}-tc", Status={"PrimaryStatus": "x"}
    )
    assert code == "ValidationException" and "status.primaryStatus" in message


def test_trial_component_in_lineage(sm, b, u):
    tc = sm.create_trial_component(TrialComponentName=f"{u}-tc")["TrialComponentArn"]
    data = b.artifact(f"s3://{u}/d")
    b.link(data, tc, "ContributedTo")
    (summary,) = sm.list_associations(DestinationArn=tc)["AssociationSummaries"]
    assert summary["DestinationType"] == "SageMakerExperimentTrialComponent"
    out = sm.query_lineage(StartArns=[data], Direction="Descendants")
    assert out["Vertices"][1] == {
        "Arn": tc,
        "Type": "ExperimentTrialComponent",
        "LineageType": "TrialComponent",
    }


def test_job_trial_components_have_sagemakers_vertex_types(sm, b, u):
    """``<job>-aws-training-job`` (...) read TrainingJob in QueryLineage, SageMakerTrainingJob in associations."""
    data = b.artifact(f"s3://{u}/jobs")
    expected = {
        f"{u}-train-aws-training-job": "TrainingJob",
        f"{u}-prep-AWS-Processing-Job": "ProcessingJob",
        f"{u}-score-aws-transform-job": "TransformJob",
        f"{u}-aws-training-job-notes": "ExperimentTrialComponent",
    }
    arns = {}
    for name in expected:
        arns[name] = sm.create_trial_component(TrialComponentName=name)["TrialComponentArn"]
        b.link(data, arns[name], "ContributedTo")
    types = {
        s["DestinationArn"]: s["DestinationType"]
        for s in sm.list_associations(SourceArn=data)["AssociationSummaries"]
    }
    assert types == {arns[n]: "SageMaker" + t for n, t in expected.items()}
    out = sm.query_lineage(StartArns=[data], Direction="Descendants")
    assert {v["Arn"]: v["Type"] for v in out["Vertices"][1:]} == {arns[n]: t for n, t in expected.items()}
    only = sm.query_lineage(StartArns=[data], Direction="Descendants", Filters={"Types": ["TrainingJob"]})
    assert [v["Arn"] for v in only["Vertices"]] == [arns[f"{u}-train-aws-training-job"]]


def test_lists(sm, b, u):
    sm.create_experiment(ExperimentName=f"{u}-e1")
    sm.create_experiment(ExperimentName=f"{u}-e2")
    sm.create_trial(TrialName=f"{u}-t1", ExperimentName=f"{u}-e1")
    sm.create_trial(TrialName=f"{u}-t2", ExperimentName=f"{u}-e2")
    for name in ("a", "b"):
        sm.create_trial_component(TrialComponentName=f"{u}-{name}")
    sm.associate_trial_component(TrialComponentName=f"{u}-a", TrialName=f"{u}-t1")
    sm.associate_trial_component(TrialComponentName=f"{u}-b", TrialName=f"{u}-t2")
    sm.associate_trial_component(TrialComponentName=f"{u}-a", TrialName=f"{u}-t2")
    names = {s["ExperimentName"] for s in sm.list_experiments(MaxResults=100)["ExperimentSummaries"]}
    assert {f"{u}-e1", f"{u}-e2"} <= names
    trials = sm.list_trials(ExperimentName=f"{u}-e1")["TrialSummaries"]
    assert [t["TrialName"] for t in trials] == [f"{u}-t1"]
    trials = sm.list_trials(TrialComponentName=f"{u}-a", SortBy="Name", SortOrder="Ascending")[
        "TrialSummaries"
    ]
    assert [t["TrialName"] for t in trials] == [f"{u}-t1", f"{u}-t2"]
    tcs = sm.list_trial_components(TrialName=f"{u}-t2", SortBy="Name", SortOrder="Ascending")
    assert [t["TrialComponentName"] for t in tcs["TrialComponentSummaries"]] == [f"{u}-a", f"{u}-b"]
    tcs = sm.list_trial_components(ExperimentName=f"{u}-e1")["TrialComponentSummaries"]
    assert [t["TrialComponentName"] for t in tcs] == [f"{u}-a"]
    code, _ = b.error(sm.list_trial_components, ExperimentName=f"{u}-e1", TrialName=f"{u}-t1")
    assert code == "ValidationException"
    assert b.error(sm.list_trials, ExperimentName=f"{u}-none")[0] == "ResourceNotFound"
    assert sm.describe_trial(TrialName=f"{u}-t1")["ExperimentName"] == f"{u}-e1"


def test_membership_errors(sm, b, u):
    sm.create_experiment(ExperimentName=f"{u}-e")
    sm.create_trial(TrialName=f"{u}-t", ExperimentName=f"{u}-e")
    sm.create_trial_component(TrialComponentName=f"{u}-tc")
    code, _ = b.error(sm.associate_trial_component, TrialComponentName=f"{u}-none", TrialName=f"{u}-t")
    assert code == "ResourceNotFound"
    code, _ = b.error(sm.disassociate_trial_component, TrialComponentName=f"{u}-tc", TrialName=f"{u}-t")
    assert code == "ResourceNotFound"
    out = sm.associate_trial_component(TrialComponentName=f"{u}-tc", TrialName=f"{u}-t")
    assert out["TrialArn"].endswith(f"experiment-trial/{u}-t")


def test_duplicates_are_case_insensitive_and_updates(sm, b, u):
    sm.create_experiment(ExperimentName=f"{u}-e")
    sm.create_trial(TrialName=f"{u}-t", ExperimentName=f"{u}-E")
    code, message = b.error(sm.create_trial, TrialName=f"{u}-T", ExperimentName=f"{u}-e")
    assert code == "ValidationException" and "already exists" in message
    sm.create_trial_component(TrialComponentName=f"{u}-tc")
    code, message = b.error(sm.create_trial_component, TrialComponentName=f"{u}-TC")
    assert code == "ValidationException" and "already exists" in message
    assert sm.update_trial(TrialName=f"{u}-t", DisplayName="Shown")["TrialArn"].endswith(f"/{u}-t")
    assert sm.describe_trial(TrialName=f"{u}-t")["DisplayName"] == "Shown"


def test_missing_experiment_entities(sm, b, u):
    for op, key in (("describe_experiment", "ExperimentName"), ("update_experiment", "ExperimentName"),
                    ("delete_experiment", "ExperimentName"), ("describe_trial", "TrialName"),
                    ("update_trial", "TrialName"), ("delete_trial", "TrialName"),
                    ("describe_trial_component", "TrialComponentName"),
                    ("update_trial_component", "TrialComponentName"),
                    ("delete_trial_component", "TrialComponentName")):  # fmt: skip
        code, message = b.error(getattr(sm, op), **{key: f"{u}-missing"})
        assert code == "ResourceNotFound" and f"{u}-missing" in message, op
