"""AddTags / ListTags / DeleteTags on every entity kind."""

from __future__ import annotations


def test_tags_on_every_kind(sm, b, u):
    arns = [
        b.context(f"{u}-c"),
        b.action(f"{u}-a"),
        b.artifact(f"s3://{u}/x"),
        sm.create_experiment(ExperimentName=f"{u}-e")["ExperimentArn"],
        sm.create_trial(TrialName=f"{u}-t", ExperimentName=f"{u}-e")["TrialArn"],
        sm.create_trial_component(TrialComponentName=f"{u}-tc")["TrialComponentArn"],
    ]
    for arn in arns:
        assert sm.add_tags(ResourceArn=arn, Tags=[{"Key": "team", "Value": "ml"}])["Tags"] == [
            {"Key": "team", "Value": "ml"}
        ]
        sm.add_tags(ResourceArn=arn, Tags=[{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "dev"}])
        assert sm.list_tags(ResourceArn=arn)["Tags"] == [
            {"Key": "team", "Value": "data"},
            {"Key": "env", "Value": "dev"},
        ]
        sm.delete_tags(ResourceArn=arn, TagKeys=["team", "absent"])
        assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]


def test_tags_at_create(sm, b, u):
    arn = b.context(f"{u}-c", Tags=[{"Key": "k", "Value": "v"}])
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]


def test_list_tags_pages(sm, b, u):
    arn = b.context(f"{u}-c")
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": f"k{i:02d}", "Value": "v"} for i in range(50)])
    page = sm.list_tags(ResourceArn=arn, MaxResults=50)
    assert len(page["Tags"]) == 50 and "NextToken" not in page
    pages = list(sm.get_paginator("list_tags").paginate(ResourceArn=arn))
    assert [t["Key"] for p in pages for t in p["Tags"]] == [f"k{i:02d}" for i in range(50)]


def test_tag_errors(sm, b, u):
    arn = b.context(f"{u}-c")
    code, message = b.error(
        sm.add_tags, ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    )
    assert code == "ValidationException" and "at 'tags'" in message
    code, message = b.error(sm.add_tags, ResourceArn=arn, Tags=[{"Key": "bad!key", "Value": "v"}])
    assert code == "ValidationException" and "at 'tags.1.member.key'" in message
    sm.add_tags(
        ResourceArn=arn, Tags=[{"Key": "ключ é 1", "Value": "wert @ ü:/=+-."}]
    )  # Unicode letters pass
    ghost = f"arn:aws:sagemaker:us-east-1:000000000000:context/{u}-none"
    # the tag operations model no ResourceNotFound; SageMaker answers ValidationException
    assert (
        b.error(sm.add_tags, ResourceArn=ghost, Tags=[{"Key": "k", "Value": "v"}])[0] == "ValidationException"
    )
    assert b.error(sm.list_tags, ResourceArn=ghost)[0] == "ValidationException"
    assert b.error(sm.delete_tags, ResourceArn=ghost, TagKeys=["k"])[0] == "ValidationException"
