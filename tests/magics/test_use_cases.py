"""The nine use cases of SageMaker's lineage tracking documentation, each done with the magics.

reference/sagemaker-lineage-tracking.rst: session set-up, creating a context, listing contexts, creating an
action, creating associations, traversing associations, creating artifacts, linking artifacts to actions,
and cleaning up. Each test replays the earlier steps (with magics) and checks the store afterwards.
"""

from __future__ import annotations

from .conftest import client_of, ok, pairs

UNIQUE_ID = "1700000000"
BASE = "https://sagemaker-example-files-prod-us-east-1.s3.amazonaws.com/datasets/image/MNIST"


def session(ip):
    """Use case 1: the session (the extension loaded, a backend chosen)."""
    ok(ip, "%reload_ext lineage_magics")
    ok(ip, "%lineage use memory://")
    ip.user_ns["unique_id"] = UNIQUE_ID
    ip.user_ns["context_name"] = f"machine-learning-workflow-{UNIQUE_ID}"
    ip.user_ns["action_name"] = f"model-build-step-{UNIQUE_ID}"


def create_context(ip):
    ok(
        ip,
        "%lineage create context $context_name MLWorkflow uri=$unique_id example=true -o ml_workflow_context",
    )


def create_action(ip):
    ok(
        ip,
        "%lineage create action $action_name ModelBuild uri=$unique_id Example=Metadata -o model_build_action",
    )


def associate_context_action(ip):
    ok(ip, "%lineage link $context_name $action_name AssociatedWith")


def create_artifacts(ip):
    ip.user_ns["base"] = BASE
    for name, type_, path in (
        ("mnist-test-images", "TestData", "t10k-images-idx3-ubyte.gz"),
        ("mnist-test-labels", "TestLabels", "t10k-labels-idx1-ubyte.gz"),
        ("mnist-model", "Model", "model/tensorflow-training-2020-11-20-23-57-13-077/model.tar.gz"),
    ):
        ok(ip, f"%lineage create artifact {name} {type_} {{base}}/{path} --source-type Custom=$unique_id")


def link_artifacts(ip):
    ok(ip, "%lineage link mnist-test-images $action_name")
    ok(ip, "%lineage link mnist-test-labels $action_name")
    ok(ip, "%lineage link $action_name mnist-model")


def test_1_session_setup(ip):
    session(ip)
    out = ok(ip, "%lineage status")
    assert "embedded service, in memory" in out.stdout
    assert client_of(ip).counts()["contexts"] == (0, 500)


def test_2_creating_a_context(ip):
    session(ip)
    create_context(ip)
    ctx = client_of(ip).get(f"machine-learning-workflow-{UNIQUE_ID}")
    assert (ctx.type, ctx.source_uri, ctx.properties) == ("MLWorkflow", UNIQUE_ID, {"example": "true"})
    assert ip.user_ns["ml_workflow_context"].arn == ctx.arn


def test_3_listing_contexts(ip):
    session(ip)
    create_context(ip)
    ok(ip, "%lineage create context another-workflow MLWorkflow")
    ok(ip, "%lineage list contexts --sort-by CreationTime --order desc -o contexts")
    names = [c.name for c in ip.user_ns["contexts"]]
    assert names == ["another-workflow", f"machine-learning-workflow-{UNIQUE_ID}"]


def test_4_creating_an_action(ip):
    session(ip)
    create_action(ip)
    action = client_of(ip).get(f"model-build-step-{UNIQUE_ID}")
    assert (action.kind, action.type, action.source_uri, action.properties) == (
        "action",
        "ModelBuild",
        UNIQUE_ID,
        {"Example": "Metadata"},
    )


def test_5_creating_associations(ip):
    session(ip)
    create_context(ip)
    create_action(ip)
    associate_context_action(ip)
    assert pairs(client_of(ip)) == {
        (f"machine-learning-workflow-{UNIQUE_ID}", f"model-build-step-{UNIQUE_ID}", "AssociatedWith")
    }


def test_6_traversing_associations(ip):
    session(ip)
    create_context(ip)
    create_action(ip)
    associate_context_action(ip)
    ok(ip, "%lineage list associations --destination $action_name -o incoming")
    ok(ip, "%lineage list associations --source $context_name -o outgoing")
    assert [a.source_name for a in ip.user_ns["incoming"]] == [f"machine-learning-workflow-{UNIQUE_ID}"]
    assert [a.destination_name for a in ip.user_ns["outgoing"]] == [f"model-build-step-{UNIQUE_ID}"]
    graph = ip.run_line_magic("lineage", "trace $context_name --direction down")
    assert {v.name for v in graph.vertices} == {
        f"machine-learning-workflow-{UNIQUE_ID}",
        f"model-build-step-{UNIQUE_ID}",
    }


def test_7_creating_artifacts(ip):
    session(ip)
    create_artifacts(ip)
    client = client_of(ip)
    model = client.get("mnist-model")
    assert model.type == "Model"
    assert model.source_uri == f"{BASE}/model/tensorflow-training-2020-11-20-23-57-13-077/model.tar.gz"
    assert model.source_types == [{"SourceIdType": "Custom", "Value": UNIQUE_ID}]
    assert {a.name for a in client.list("artifacts")} == {
        "mnist-test-images",
        "mnist-test-labels",
        "mnist-model",
    }


def test_8_linking_artifacts_to_actions(ip):
    session(ip)
    create_action(ip)
    create_artifacts(ip)
    link_artifacts(ip)
    action = f"model-build-step-{UNIQUE_ID}"
    assert pairs(client_of(ip)) == {
        ("mnist-test-images", action, "ContributedTo"),
        ("mnist-test-labels", action, "ContributedTo"),
        (action, "mnist-model", "Produced"),
    }
    graph = ip.run_line_magic("lineage", "trace mnist-model --direction up")
    assert {v.name for v in graph.vertices} == {
        "mnist-model",
        action,
        "mnist-test-images",
        "mnist-test-labels",
    }


def _everything(ip):
    session(ip)
    create_context(ip)
    create_action(ip)
    associate_context_action(ip)
    create_artifacts(ip)
    link_artifacts(ip)


def _empty(client) -> bool:
    return all(len(client.list(kind)) == 0 for kind in ("contexts", "actions", "artifacts", "associations"))


def test_9_cleaning_up_entity_by_entity(ip):
    _everything(ip)
    ok(ip, "%lineage delete $context_name --cascade")
    ok(ip, "%lineage delete $action_name --cascade")
    for name in ("mnist-test-images", "mnist-test-labels", "mnist-model"):
        ok(ip, f"%lineage delete {name} --cascade")
    assert _empty(client_of(ip))


def test_9_cleaning_up_in_one_step(ip):
    _everything(ip)
    for name in ("mnist-test-images", "mnist-test-labels", "mnist-model"):
        ok(ip, f"%lineage link $context_name {name}")
    ok(ip, "%lineage cleanup $context_name")
    assert _empty(client_of(ip))
