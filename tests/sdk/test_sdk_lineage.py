"""The SageMaker SDK's own V3 lineage classes against the local service.

With an injected client (``Session(sagemaker_client=connect("memory://"))``) and, unmodified,
in a subprocess whose boto3 reaches ``lineage serve`` through ``AWS_ENDPOINT_URL_SAGEMAKER``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import boto3
import pytest
from botocore.exceptions import ClientError
from sagemaker.core.helper.session_helper import Session
from sagemaker.core.lineage.action import Action
from sagemaker.core.lineage.artifact import Artifact
from sagemaker.core.lineage.association import Association
from sagemaker.core.lineage.context import Context
from sagemaker.core.lineage.query import (
    LineageEntityEnum,
    LineageFilter,
    LineageQuery,
    LineageQueryDirectionEnum,
)

from lineage_magics.connect import connect

MNIST = "https://sagemaker-example-files-prod-us-east-1.s3.amazonaws.com/datasets/image/MNIST"


def check_graph(sm, context_name: str, action_name: str) -> dict:
    """The documented graph, read back with plain boto3: returns the ARNs by role."""
    context = sm.describe_context(ContextName=context_name)
    assert context["ContextType"] == "MLWorkflow" and context["Properties"] == {"example": "true"}
    action = sm.describe_action(ActionName=action_name)
    assert action["ActionType"] == "ModelBuild" and action["Properties"] == {"Example": "Metadata"}
    incoming = sm.list_associations(DestinationArn=action["ActionArn"])["AssociationSummaries"]
    by_name = {s["SourceName"]: s for s in incoming}
    assert set(by_name) == {context_name, "mnist-test-images", "mnist-test-labels"}
    assert by_name[context_name]["AssociationType"] == "AssociatedWith"
    assert by_name["mnist-test-images"]["SourceType"] == "TestData"
    (produced,) = sm.list_associations(SourceArn=action["ActionArn"])["AssociationSummaries"]
    assert produced["DestinationName"] == "mnist-model" and produced["DestinationType"] == "Model"
    model = produced["DestinationArn"]
    up = sm.query_lineage(StartArns=[model], Direction="Ascendants", IncludeEdges=True, MaxDepth=10)
    assert {v["Arn"] for v in up["Vertices"]} == {model, action["ActionArn"], context["ContextArn"],
                                                 by_name["mnist-test-images"]["SourceArn"],
                                                 by_name["mnist-test-labels"]["SourceArn"]}  # fmt: skip
    assert len(up["Edges"]) == 4
    return {"context": context["ContextArn"], "action": action["ActionArn"], "model": model,
            "images": by_name["mnist-test-images"]["SourceArn"]}  # fmt: skip


def assert_empty(sm):
    for op, key in (("list_contexts", "ContextSummaries"), ("list_actions", "ActionSummaries"),
                    ("list_artifacts", "ArtifactSummaries"), ("list_associations", "AssociationSummaries")):  # fmt: skip
        assert getattr(sm, op)()[key] == []


def test_injected_client_flow():
    sm = connect("memory://")
    session = Session(boto_session=boto3.Session(region_name="us-east-1"), sagemaker_client=sm)
    uid = "1700000000"
    context = Context.create(context_name=f"machine-learning-workflow-{uid}", context_type="MLWorkflow",
                             source_uri=uid, properties={"example": "true"}, sagemaker_session=session)  # fmt: skip
    names = [c.context_name for c in Context.list(sort_by="CreationTime", sort_order="Descending",
                                                  sagemaker_session=session)]  # fmt: skip
    assert names == [f"machine-learning-workflow-{uid}"]
    action = Action.create(action_name=f"model-build-step-{uid}", action_type="ModelBuild", source_uri=uid,
                           properties={"Example": "Metadata"}, sagemaker_session=session)  # fmt: skip
    Association.create(source_arn=context.context_arn, destination_arn=action.action_arn,
                       association_type="AssociatedWith", sagemaker_session=session)  # fmt: skip
    artifacts = {}
    for name, kind, path in (("mnist-test-images", "TestData", "t10k-images-idx3-ubyte.gz"),
                             ("mnist-test-labels", "TestLabels", "t10k-labels-idx1-ubyte.gz"),
                             ("mnist-model", "Model", "model/model.tar.gz")):  # fmt: skip
        artifacts[name] = Artifact.create(artifact_name=name, artifact_type=kind, source_uri=f"{MNIST}/{path}",
                                          source_types=[{"SourceIdType": "Custom", "Value": uid}],
                                          sagemaker_session=session)  # fmt: skip
    for name in ("mnist-test-images", "mnist-test-labels"):
        Association.create(source_arn=artifacts[name].artifact_arn, destination_arn=action.action_arn,
                           sagemaker_session=session)  # fmt: skip
    Association.create(source_arn=action.action_arn, destination_arn=artifacts["mnist-model"].artifact_arn,
                       sagemaker_session=session)  # fmt: skip

    incoming = [
        a.source_name for a in Association.list(destination_arn=action.action_arn, sagemaker_session=session)
    ]
    assert sorted(incoming) == sorted([context.context_name, "mnist-test-images", "mnist-test-labels"])
    arns = check_graph(sm, context.context_name, action.action_name)

    result = LineageQuery(session).query(
        start_arns=[arns["model"]], direction=LineageQueryDirectionEnum.ASCENDANTS
    )
    assert {v.arn for v in result.vertices} >= {arns["action"], arns["images"], arns["context"]}
    assert {(e.source_arn, e.destination_arn) for e in result.edges} >= {(arns["action"], arns["model"])}
    test_data = LineageFilter(entities=[LineageEntityEnum.ARTIFACT], sources=["TestData"])
    only_data = LineageQuery(session).query(
        start_arns=[arns["model"]],
        direction=LineageQueryDirectionEnum.ASCENDANTS,
        query_filter=test_data,
        include_edges=False,
    )
    assert [v.arn for v in only_data.vertices] == [arns["images"]] and only_data.edges == []
    assert isinstance(only_data.vertices[0].to_lineage_object(), Artifact)
    # IncludeEdges (the SDK's default): "also the Associations and lineage entities on the path"
    with_paths = LineageQuery(session).query(
        start_arns=[arns["model"]], direction=LineageQueryDirectionEnum.ASCENDANTS, query_filter=test_data
    )
    assert {v.arn for v in with_paths.vertices} == {arns["images"], arns["action"], arns["model"]}
    assert {(e.source_arn, e.destination_arn) for e in with_paths.edges} == {
        (arns["images"], arns["action"]),
        (arns["action"], arns["model"]),
    }

    loaded = Context.load(context_name=context.context_name, sagemaker_session=session)
    loaded.properties = {"k3": "v3"}
    loaded.save()
    assert Context.load(context.context_name, sagemaker_session=session).properties == {"k3": "v3"}
    loaded.set_tag({"Key": "team", "Value": "ml"})
    assert sm.list_tags(ResourceArn=context.context_arn)["Tags"] == [{"Key": "team", "Value": "ml"}]

    with pytest.raises(ClientError) as dup:
        Context.create(context_name=context.context_name, context_type="MLWorkflow", source_uri=uid,
                       sagemaker_session=session)  # fmt: skip
    assert dup.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as linked:
        action.delete()
    assert "associations and cannot be deleted" in linked.value.response["Error"]["Message"]

    action.delete(disassociate=True)  # the SDK removes the associations first
    context.delete(disassociate=True)
    for artifact in artifacts.values():
        artifact.delete(disassociate=True)
    assert_empty(sm)


DRIVER = """
import json, sys
from documented_v3 import BUILD, CLEANUP
namespace = {"__name__": "__main__"}
for block in BUILD:
    exec(block, namespace)
print("GRAPH " + json.dumps({"context": namespace["context_name"],
                             "action": namespace["model_build_action"].action_name}), flush=True)
sys.stdin.readline()
for block in CLEANUP:
    exec(block, namespace)
print("CLEANED", flush=True)
"""


def test_documented_code_unmodified_over_http(server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL_SAGEMAKER=server.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        PYTHONPATH=os.path.dirname(__file__),
    )
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(DRIVER)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    try:
        lines = []
        while True:
            line = proc.stdout.readline()
            if not line or line.startswith("GRAPH "):
                break
            lines.append(line)
        assert line.startswith("GRAPH "), proc.stderr.read() if proc.poll() is not None else lines
        names = json.loads(line[len("GRAPH ") :])
        assert names["context"] in "".join(lines)  # use case 3 printed the new context
        assert f"{names['action']} has incoming association from {names['context']}" in "".join(lines)
        sm = server.client()
        check_graph(sm, names["context"], names["action"])
        out, err = proc.communicate("\n", timeout=120)
        assert proc.returncode == 0, err
        assert "CLEANED" in out
        assert_empty(sm)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
