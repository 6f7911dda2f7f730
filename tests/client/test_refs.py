"""Refs: ARNs, names, artifact names and URIs, entities; ambiguity, absence, caching."""

from __future__ import annotations

import pytest

from lineage_magics.errors import AmbiguousRefError, NotFoundError
from lineage_magics.graph import Vertex

from .conftest import CallCounter


def test_every_kind_of_ref(lc):
    ctx = lc.create_context("ctx_1", "T")
    art = lc.create_artifact("s3://bucket/key.csv", "DataSet", "key-data")
    assert lc.resolve("ctx_1") == ctx.arn
    assert lc.resolve(ctx.arn) == ctx.arn
    assert lc.resolve(ctx) == ctx.arn
    assert lc.resolve(Vertex(art.arn, "Artifact")) == art.arn
    assert lc.resolve("key-data") == art.arn
    assert lc.resolve("s3://bucket/key.csv") == art.arn
    assert lc.resolve("key-data", kind="artifacts") == art.arn
    assert lc.kind_of("s3://bucket/key.csv") == "artifact"


def test_ambiguous_name_lists_candidates(lc):
    c = lc.create_context("same", "T")
    a = lc.create_action("same", "T")
    with pytest.raises(AmbiguousRefError) as err:
        lc.resolve("same")
    msg = str(err.value)
    assert "context same" in msg and "action same" in msg and c.arn in msg and a.arn in msg
    assert lc.resolve("same", kind="action") == a.arn


def test_ambiguous_artifact_name_and_uri(lc):
    x = lc.create_artifact("s3://b/one", "DataSet", "data")
    y = lc.create_artifact("s3://b/two", "DataSet", "data")
    with pytest.raises(AmbiguousRefError, match="2 entities") as err:
        lc.resolve("data")
    assert x.arn in str(err.value) and y.arn in str(err.value)
    lc.create_artifact("s3://b/one", "DataSet", "data-v2", source_types={"Custom": "2"})
    with pytest.raises(AmbiguousRefError, match="2 artifacts have source URI 's3://b/one'"):
        lc.resolve("s3://b/one")


def test_missing_says_what_and_suggests(lc):
    lc.create_context("mnist-workflow", "T")
    lc.create_artifact("s3://b/mnist-model.tar.gz", "Model", "mnist-model")
    with pytest.raises(NotFoundError) as err:
        lc.resolve("mnist-workflw")
    assert "named 'mnist-workflw'" in str(err.value) and "did you mean 'mnist-workflow'" in str(err.value)
    with pytest.raises(
        NotFoundError, match="no artifact has source URI .*did you mean 's3://b/mnist-model.tar.gz'"
    ):
        lc.resolve("s3://b/mnist-model.tar")
    with pytest.raises(NotFoundError, match="no action named 'nothing-like-it'$"):
        lc.resolve("nothing-like-it", kind="action")
    with pytest.raises(NotFoundError, match="ARN of a context, not of a action"):
        lc.resolve("arn:aws:sagemaker:us-east-1:000000000000:context/x", kind="action")
    with pytest.raises(NotFoundError, match="not a ref"):
        lc.resolve("")


def test_resolutions_are_cached_and_forgotten_on_delete(lc):
    counter = CallCounter(lc.sagemaker)
    lc.create_action("train", "T")
    counter.reset()
    arn = lc.resolve("train")
    first = counter.total
    assert first > 0
    assert lc.resolve("train") == arn
    assert counter.total == first  # answered from the cache
    lc.delete("train")
    with pytest.raises(NotFoundError):
        lc.resolve("train")


def test_arn_of_a_recorded_resource_resolves_through_source_uri(lc):
    """Model package, endpoint and job ARNs are SourceUris of the artifacts/contexts SageMaker records."""
    acct = "arn:aws:sagemaker:us-east-1:000000000000"
    package = lc.create_artifact(f"{acct}:model-package/g/1", "Model")
    group = lc.create_context("g-context", "ModelGroup", f"{acct}:model-package-group/g")
    endpoint = lc.create_context("ep-context", "Endpoint", f"{acct}:endpoint/ep")
    deploy = lc.create_action("deploy", "ModelDeployment", f"{acct}:training-job/job-1")
    assert lc.resolve(f"{acct}:model-package/g/1") == package.arn
    assert lc.kind_of(f"{acct}:model-package/g/1") == "artifact"
    assert lc.resolve(f"{acct}:model-package-group/g") == group.arn
    assert lc.get(f"{acct}:endpoint/ep").name == "ep-context"
    assert lc.resolve(f"{acct}:training-job/job-1", kind="action") == deploy.arn
    assert lc.associate(package, f"{acct}:endpoint/ep").destination_arn == endpoint.arn
    with pytest.raises(NotFoundError, match="no context has source URI .*model-package/g/1"):
        lc.resolve(f"{acct}:model-package/g/1", kind="context")
    with pytest.raises(
        NotFoundError, match="no artifact, context, action or trial component has source URI .*/gone"
    ):
        lc.resolve(f"{acct}:endpoint/gone")
    with pytest.raises(NotFoundError, match="not the ARN of a trial"):
        lc.resolve(f"{acct}:endpoint/ep", kind="trial")
    one = lc.create_context("ep2-context", "Endpoint", f"{acct}:endpoint/ep2")
    two = lc.create_action("ep2-action", "Deploy", f"{acct}:endpoint/ep2")
    with pytest.raises(AmbiguousRefError, match="2 entities have source URI") as err:
        lc.resolve(f"{acct}:endpoint/ep2")
    assert one.arn in str(err.value) and two.arn in str(err.value)


def test_job_arn_resolves_to_its_trial_component(lc):
    """SageMaker records a training job as the trial component whose Source.SourceArn is the job."""
    from lineage_magics.connect import local_service

    job = "arn:aws:sagemaker:us-east-1:000000000000:training-job/xgb-1"
    source = {"SourceArn": job, "SourceType": "SageMakerTrainingJob"}
    rows = [{"TrialComponentName": "xgb-1-aws-training-job", "Source": source}]
    local_service(lc.sagemaker).bulk_import(trial_components=rows)
    assert lc.get(job).name == "xgb-1-aws-training-job"
    assert lc.kind_of(job) == "trial-component"
    with pytest.raises(NotFoundError, match="no artifact has source URI"):
        lc.resolve(job, kind="artifact")
