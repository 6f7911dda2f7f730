"""Artifacts: identity by Source, deterministic ARNs, names not unique, delete by ARN or Source."""

from __future__ import annotations

import re


def test_artifact_arn_is_a_hash_of_the_source(sm, b, u):
    arn = b.artifact(f"s3://{u}/data.csv", name="data")
    assert re.fullmatch(r"arn:aws:sagemaker:us-east-1:000000000000:artifact/[0-9a-f]{32}", arn)
    got = sm.describe_artifact(ArtifactArn=arn)
    assert got["ArtifactName"] == "data" and got["ArtifactType"] == "DataSet"
    assert got["Source"] == {"SourceUri": f"s3://{u}/data.csv"}
    sm.delete_artifact(ArtifactArn=arn)
    assert b.artifact(f"s3://{u}/data.csv") == arn  # same Source, same ARN


def test_duplicate_source_is_refused(sm, b, u):
    arn = b.artifact(f"s3://{u}/x")
    code, message = b.error(b.artifact, f"s3://{u}/x", type="Model", name="other")
    assert code == "ValidationException" and "already exists" in message and arn in message


def test_source_types_are_part_of_identity(sm, b, u):
    plain = b.artifact(f"s3://{u}/m")
    tagged = sm.create_artifact(
        ArtifactType="Model",
        Source={"SourceUri": f"s3://{u}/m", "SourceTypes": [{"SourceIdType": "Custom", "Value": "run-1"}]},
    )["ArtifactArn"]
    assert tagged != plain
    same_set = {
        "SourceUri": f"s3://{u}/m",
        "SourceTypes": [
            {"SourceIdType": "Custom", "Value": "run-1"},
            {"SourceIdType": "Custom", "Value": "run-1"},
        ],
    }
    code, message = b.error(sm.create_artifact, ArtifactType="Model", Source=same_set)
    assert code == "ValidationException" and tagged in message


def test_names_are_not_unique(sm, b, u):
    a = b.artifact(f"s3://{u}/1", name="same")
    c = b.artifact(f"s3://{u}/2", name="same")
    assert a != c


def test_bad_source_id_type(sm, b, u):
    code, message = b.error(
        sm.create_artifact,
        ArtifactType="DataSet",
        Source={"SourceUri": f"s3://{u}", "SourceTypes": [{"SourceIdType": "Foo", "Value": "x"}]},
    )
    assert code == "ValidationException"
    assert "at 'source.sourceTypes.1.member.sourceIdType'" in message
    assert "Member must satisfy enum value set: [MD5Hash, S3ETag, S3Version, Custom]" in message


def test_artifact_property_values_up_to_4096(sm, b, u):
    b.artifact(f"s3://{u}/ok", Properties={"k": "x" * 4096})
    code, message = b.error(b.artifact, f"s3://{u}/long", Properties={"k": "x" * 4097})
    assert code == "ValidationException" and "less than or equal to 4096" in message


def test_update_artifact_rename_and_properties(sm, b, u):
    arn = b.artifact(f"s3://{u}/u", name="before", Properties={"a": "1", "b": "2"})
    sm.update_artifact(ArtifactArn=arn, ArtifactName="after", Properties={"c": "3"}, PropertiesToRemove=["a"])
    got = sm.describe_artifact(ArtifactArn=arn)
    assert got["ArtifactName"] == "after" and got["Properties"] == {"c": "3"}


def test_delete_artifact_by_source(sm, b, u):
    arn = b.artifact(f"s3://{u}/s")
    assert sm.delete_artifact(Source={"SourceUri": f"s3://{u}/s"})["ArtifactArn"] == arn
    assert b.error(sm.describe_artifact, ArtifactArn=arn)[0] == "ResourceNotFound"
    assert b.error(sm.delete_artifact, Source={"SourceUri": f"s3://{u}/s"})[0] == "ResourceNotFound"


def test_delete_artifact_needs_arn_or_source(sm, b):
    code, message = b.error(sm.delete_artifact)
    assert code == "ValidationException" and "Either ArtifactArn or Source" in message


def test_artifact_arn_pattern(sm, b):
    code, message = b.error(
        sm.describe_artifact, ArtifactArn="arn:aws:sagemaker:us-east-1:000000000000:context/x"
    )
    assert code == "ValidationException" and "at 'artifactArn'" in message


def test_unknown_artifact(sm, b):
    arn = "arn:aws:sagemaker:us-east-1:000000000000:artifact/" + "0" * 32
    for op in (sm.describe_artifact, sm.update_artifact, sm.delete_artifact):
        assert b.error(op, ArtifactArn=arn)[0] == "ResourceNotFound"
