"""Create, get, list, update, tags and associations against the local service."""

from __future__ import annotations

import datetime as dt

import pytest

from lineage_magics import LineageClient, crud
from lineage_magics.connect import connect
from lineage_magics.entities import AssociationList, Entity, EntityList
from lineage_magics.errors import LineageError, NotFoundError, ResourceNotFoundError, ServiceError


def test_client_from_url_client_and_client(lc):
    assert lc.url == "memory://"
    raw = connect("memory://")
    other = LineageClient(raw)
    assert other.sagemaker is raw and other.url is None
    assert LineageClient(other).sagemaker is raw


def test_create_and_get_every_kind(any_lc):
    lc = any_lc
    ctx = lc.create_context("wf-1", "Workflow", "s3://b/wf", description="first", properties={"a": 1})
    assert isinstance(ctx, Entity)
    assert (ctx.kind, ctx.name, ctx.type, ctx.source_uri) == ("context", "wf-1", "Workflow", "s3://b/wf")
    assert ctx.properties == {"a": "1"} and ctx.description == "first"
    assert ctx.arn.endswith(":context/wf-1") and ctx.created is not None
    act = lc.create_action("train", "Training", status="InProgress", properties={"lr": "0.1"})
    assert (act.status, act.source_uri) == ("InProgress", "train")
    art = lc.create_artifact("s3://b/data.csv", "DataSet", "data", source_types={"Custom": "v1"})
    assert art.source_types == [{"SourceIdType": "Custom", "Value": "v1"}]
    exp = lc.create_experiment("exp-1", display_name="Experiment-one", description="d")
    trial = lc.create_trial("trial-1", "exp-1")
    tc = lc.create_trial_component("tc-1", status="Completed", parameters={"epochs": 3, "opt": "adam"})
    lc.add_trial_component(trial, tc)
    assert (exp.kind, trial.kind, tc.kind) == ("experiment", "trial", "trial-component")
    assert tc.status == "Completed" and tc.properties == {"epochs": "3.0", "opt": "adam"}
    assert [e.name for e in lc.list("trial-components", trial="trial-1")] == ["tc-1"]
    assert [e.name for e in lc.list("trials", experiment=exp)] == ["trial-1"]
    for ref, kind in [
        ("wf-1", "context"),
        ("train", "action"),
        ("data", "artifact"),
        ("s3://b/data.csv", "artifact"),
        ("exp-1", "experiment"),
        ("trial-1", "trial"),
        ("tc-1", "trial-component"),
        (art.arn, "artifact"),
        (ctx, "context"),
    ]:
        assert lc.get(ref).kind == kind, ref


def test_create_duplicate_is_a_service_error(lc):
    lc.create_context("dup", "T")
    with pytest.raises(ServiceError) as err:
        lc.create_context("dup", "T")
    assert err.value.code == "ValidationException" and "already exists" in str(err.value)
    assert err.value.operation == "CreateContext"
    assert "\n" not in str(err.value)


def test_ensure_returns_existing(lc):
    a = lc.ensure_context("c", "T", properties={"x": "1"})
    assert lc.ensure_context("c", "T").arn == a.arn
    b = lc.ensure_action("act", "Step")
    assert lc.ensure_action("act", "Step").arn == b.arn
    art = lc.ensure_artifact("s3://x/y", "DataSet", "y")
    assert lc.ensure_artifact("s3://x/y", "DataSet").arn == art.arn
    other = lc.ensure_artifact("s3://x/y", "DataSet", source_types=[{"SourceIdType": "Custom", "Value": "2"}])
    assert other.arn != art.arn
    assert len(lc.list("artifacts")) == 2 and len(lc.list("contexts")) == 1


def test_list_all_pages_limit_filters_and_sort(lc):
    for i in range(230):
        crud.create(
            lc.api, "context", name=f"c{i:03d}", type="Even" if i % 2 == 0 else "Odd", source_uri=f"u{i % 5}"
        )
    everything = lc.list("contexts")
    assert isinstance(everything, EntityList) and len(everything) == 230 and everything.total == 230
    assert len(lc.list("contexts", type="Even")) == 115
    assert len(lc.list("context", source_uri="u3")) == 46
    first = lc.list("contexts", sort_by="name", sort_order="asc", limit=5)
    assert [e.name for e in first] == ["c000", "c001", "c002", "c003", "c004"]
    assert first.total is None  # the limit stopped before the end
    assert "showing 5 of more than 5" in first._repr_html_()
    last = lc.list("contexts", sort_by="Name", sort_order="Descending", limit=150)
    assert len(last) == 150 and last[0].name == "c229"
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert len(lc.list("contexts", created_after=future)) == 0
    assert len(lc.list("contexts", created_before=future)) == 230
    with pytest.raises(LineageError, match="sort by CreationTime"):
        lc.list("artifacts", sort_by="Name")
    with pytest.raises(LineageError, match="cannot be filtered by type"):
        lc.list("experiments", type="X")
    with pytest.raises(ValueError, match="unknown kind"):
        lc.list("widgets")


def test_list_dataframe_and_escaped_html(lc):
    lc.create_context("c1", "<script>alert(1)</script>", "s3://b/<x>&y")
    items = lc.list("contexts")
    page = items._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp;y" in page
    assert "showing 1 of 1 contexts" in page
    df = items.to_dataframe()
    assert list(df["name"]) == ["c1"] and "arn" in df.columns
    assert "&lt;script&gt;" in items[0]._repr_html_() and "<script>" not in items[0]._repr_html_()
    assert "c1" in repr(items[0])


def test_list_table_keeps_names_and_dates_on_one_line_and_breaks_long_arns(lc):
    from html.parser import HTMLParser

    lc.create_context("a-rather-long-context-name", "T", "s3://bucket/" + "x" * 80)

    class Cells(HTMLParser):
        styles: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "td":
                self.styles.append(dict(attrs)["style"])

    cells = Cells()
    cells.feed(lc.list("contexts")._repr_html_())
    styles = dict(zip(lc.list("contexts").columns, cells.styles, strict=True))
    assert all("nowrap" in styles[c] for c in ("kind", "name", "type", "status", "created")), styles
    assert all("break-all" in styles[c] and "nowrap" not in styles[c] for c in ("source_uri", "arn")), styles


def test_update_merges_properties_and_removes(lc):
    lc.create_context("c", "T", properties={"a": "1", "b": "2"})
    got = lc.update("c", properties={"b": "3", "c": "4"})
    assert got.properties == {"a": "1", "b": "3", "c": "4"}
    got = lc.update("c", remove_properties=["a"], description="new")
    assert got.properties == {"b": "3", "c": "4"} and got.description == "new"
    lc.create_action("a", "Step", status="InProgress")
    assert lc.update("a", status="Completed").status == "Completed"
    art = lc.create_artifact("s3://b/m", "Model", "m1")
    renamed = lc.update(art, name="m2", properties={"acc": "0.9"})
    assert renamed.name == "m2" and renamed.properties == {"acc": "0.9"}
    assert lc.resolve("m2") == art.arn
    with pytest.raises(NotFoundError):
        lc.get("m1", "artifact")
    with pytest.raises(LineageError, match="cannot rename a context"):
        lc.update("c", name="other")
    with pytest.raises(LineageError, match="no status"):
        lc.update("c", status="Completed")


def test_tags(lc):
    lc.create_context("c", "T", tags={"team": "ml"})
    assert lc.tags("c") == {"team": "ml"}
    assert lc.tag("c", owner="me", team="data") == {"team": "data", "owner": "me"}
    lc.untag("c", "team")
    assert lc.tags("c") == {"owner": "me"}


def test_associate_defaults_exist_ok_and_directions(lc):
    data = lc.create_artifact("s3://b/d", "DataSet", "d")
    step = lc.create_action("step", "Training")
    model = lc.create_artifact("s3://b/m", "Model", "m")
    ctx = lc.create_context("c", "T")
    a = lc.associate("d", "step")
    assert a.type == "ContributedTo" and a.source_name == "d" and a.destination_name == "step"
    assert lc.associate(step, model).type == "Produced"
    assert lc.associate(data, model).type == "DerivedFrom"
    assert lc.associate(ctx, step).type == "AssociatedWith"
    assert lc.associate("d", "step").type == "ContributedTo"  # exists with the same type: fine
    with pytest.raises(ServiceError, match="already exists with type ContributedTo"):
        lc.associate("d", "step", "Produced")
    with pytest.raises(ServiceError, match="already exists"):
        lc.associate("d", "step", exist_ok=False)
    both = lc.associations("step")
    assert isinstance(both, AssociationList) and len(both) == 3
    assert {x.source_label for x in lc.associations("step", "in")} == {"d", "c"}
    assert [x.destination_label for x in lc.associations("step", "out")] == ["m"]
    assert len(lc.list("associations", source="d")) == 2
    assert len(lc.list("associations", type="Produced")) == 1
    assert len(lc.list("associations", destination="m", sort_by="source_arn")) == 2
    lc.disassociate("d", "step")
    assert len(lc.associations("d")) == 1
    page = lc.associations("step")._repr_html_()
    assert "showing 2 of 2 associations" in page
    assert len(lc.associations("step").to_dataframe()) == 2


def test_service_errors_are_one_line_with_code(lc):
    arn = "arn:aws:sagemaker:us-east-1:000000000000:context/missing"
    with pytest.raises(NotFoundError) as err:
        lc.get(arn)
    assert "missing" in str(err.value)
    with pytest.raises(ResourceNotFoundError) as err2:
        lc.api.call("describe_context", ContextName="missing")
    assert err2.value.code == "ResourceNotFound" and err2.value.operation == "DescribeContext"
    assert isinstance(err2.value, ServiceError) and isinstance(err2.value, NotFoundError)
    with pytest.raises(ServiceError) as err3:
        lc.create_context("bad name!", "T")
    assert err3.value.code == "ValidationException"
    assert err3.value._render_traceback_() == [f"ServiceError: {err3.value}"]


def test_unreachable_endpoint_is_a_lineage_error_with_a_hint():
    import boto3
    from botocore.config import Config

    raw = boto3.client(
        "sagemaker",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2),
    )
    lc = LineageClient(raw, progress=False)
    with pytest.raises(LineageError, match="cannot reach"):
        lc.list("contexts")


def test_counts(lc):
    lc.create_context("c", "T")
    lc.create_action("a", "T")
    lc.associate("c", "a")
    counts = lc.counts()
    assert counts["contexts"] == (1, 500)
    assert counts["actions"] == (1, 3000)
    assert counts["artifacts"] == (0, 6000)
    assert counts["associations"] == (1, 6000)


def test_untyped_association_prints_a_plain_arrow(lc):
    a = lc.create_action("step-a", "T")
    b = lc.create_action("step-b", "T")
    lc.sagemaker.add_association(SourceArn=a.arn, DestinationArn=b.arn)  # no AssociationType
    lc.associate(b, lc.create_artifact("s3://b/out", "Model", "out"), "Produced")
    links = lc.associations(b)
    assert {x.type for x in links} == {None, "Produced"}
    shown = repr(links)
    assert "step-a --> step-b" in shown and "step-b -[Produced]-> out" in shown and "[]" not in shown
    assert repr(lc.associations(a)[0]) == "<Association 'step-a' --> 'step-b'>"


def test_trial_component_numbers_survive_a_property_update(lc):
    """UpdateTrialComponent merges Parameters on the server: only what changes is sent, types kept."""
    lc.create_trial_component("train-1", parameters={"learning_rate": 0.1, "epochs": 10, "optimizer": "adam"})
    lc.update("train-1", properties={"batch": 64, "note": "second try"})
    params = lc.sagemaker.describe_trial_component(TrialComponentName="train-1")["Parameters"]
    assert params == {
        "learning_rate": {"NumberValue": 0.1},
        "epochs": {"NumberValue": 10.0},
        "optimizer": {"StringValue": "adam"},
        "batch": {"NumberValue": 64.0},
        "note": {"StringValue": "second try"},
    }
    lc.update("train-1", remove_properties=["note"])
    params = lc.sagemaker.describe_trial_component(TrialComponentName="train-1")["Parameters"]
    assert "note" not in params and params["learning_rate"] == {"NumberValue": 0.1}


def test_context_properties_are_merged_by_the_client(lc):
    """UpdateContext replaces the whole set: the client sends the merge, so nothing is lost."""
    lc.create_context("wf", "Workflow", properties={"a": "1", "b": "2"})
    assert lc.update("wf", properties={"b": "3", "c": "4"}).properties == {"a": "1", "b": "3", "c": "4"}
