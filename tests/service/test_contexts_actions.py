"""Contexts and actions: CRUD, names, constraints, Update semantics, delete rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from botocore.exceptions import ParamValidationError


def test_context_create_describe_by_name_and_arn(sm, b, u):
    arn = b.context(f"{u}-ctx", "MLWorkflow", "1700000000", Description="demo", Properties={"k": "v"})
    assert arn == f"arn:aws:sagemaker:us-east-1:000000000000:context/{u}-ctx"
    for ref in (f"{u}-ctx", arn):
        got = sm.describe_context(ContextName=ref)
        assert got["ContextName"] == f"{u}-ctx"
        assert got["ContextArn"] == arn
        assert got["Source"] == {"SourceUri": "1700000000"}
        assert got["ContextType"] == "MLWorkflow"
        assert got["Description"] == "demo"
        assert got["Properties"] == {"k": "v"}
        assert isinstance(got["CreationTime"], dt.datetime) and got["CreationTime"].tzinfo is not None
        assert got["LastModifiedTime"] == got["CreationTime"]


def test_context_names_allow_underscore_actions_do_not(sm, b, u):
    b.context(f"{u}_ctx")
    code, message = b.error(b.action, f"{u}_act")
    assert code == "ValidationException"
    assert f"Value '{u}_act' at 'actionName' failed to satisfy constraint" in message


def test_omitted_members_are_absent(sm, b, u):
    b.context(f"{u}-bare")
    got = sm.describe_context(ContextName=f"{u}-bare")
    assert "Description" not in got and "Properties" not in got


def test_duplicate_context_and_action(sm, b, u):
    b.context(f"{u}-dup")
    code, message = b.error(b.context, f"{u}-dup")
    assert code == "ValidationException" and "already exists" in message
    b.action(f"{u}-dup")
    code, message = b.error(b.action, f"{u}-dup")
    assert code == "ValidationException" and "already exists" in message


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("bad name!", "Member must satisfy regular expression pattern: [a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,119}"),
        ("-leading", "Member must satisfy regular expression pattern"),
        ("a" * 121, "Member must have length less than or equal to 120"),
    ],
)
def test_bad_context_names(sm, b, name, fragment):
    code, message = b.error(b.context, name)
    assert code == "ValidationException"
    assert re.match(r"\d validation errors? detected: Value '", message)
    assert "at 'contextName' failed to satisfy constraint" in message and fragment in message


def test_empty_name_is_rejected_by_botocore(sm, b):
    with pytest.raises(ParamValidationError):
        b.context("")


def test_31_properties(sm, b, u):
    props = {f"k{i}": "v" for i in range(31)}
    code, message = b.error(b.context, f"{u}-many", Properties=props)
    assert code == "ValidationException"
    assert (
        "at 'properties' failed to satisfy constraint: Member must have length less than or equal to 30"
        in message
    )
    b.context(f"{u}-thirty", Properties={f"k{i}": "v" for i in range(30)})


def test_property_value_too_long(sm, b, u):
    code, message = b.error(b.context, f"{u}-long", Properties={"k": "x" * 2501})
    assert code == "ValidationException"
    assert (
        "Map value must satisfy constraint: [Member must have length less than or equal to 2500]" in message
    )


def test_two_errors_in_one_message(sm, b, u):
    code, message = b.error(b.context, "bad name!", Description="d" * 3073)
    assert message.startswith("2 validation errors detected: ")
    assert "at 'contextName'" in message and "at 'description'" in message and "; " in message


def test_update_context_replaces_then_removes(sm, b, u):
    b.context(f"{u}-upd", Properties={"k1": "v1", "k2": "v2"})
    before = sm.describe_context(ContextName=f"{u}-upd")
    arn = sm.update_context(
        ContextName=f"{u}-upd", Properties={"k3": "v3", "k1": "x"}, PropertiesToRemove=["k1"]
    )
    assert arn["ContextArn"].endswith(f"context/{u}-upd")
    got = sm.describe_context(ContextName=f"{u}-upd")
    assert got["Properties"] == {"k3": "v3"}
    assert got["LastModifiedTime"] >= before["LastModifiedTime"]
    sm.update_context(ContextName=f"{u}-upd", Description="new", PropertiesToRemove=["k3"])
    got = sm.describe_context(ContextName=f"{u}-upd")
    assert got["Description"] == "new" and "Properties" not in got


def test_update_action_status(sm, b, u):
    b.action(f"{u}-act", Status="InProgress", Properties={"a": "1"})
    sm.update_action(ActionName=f"{u}-act", Status="Completed")
    got = sm.describe_action(ActionName=f"{u}-act")
    assert got["Status"] == "Completed" and got["Properties"] == {"a": "1"}
    code, message = b.error(sm.update_action, ActionName=f"{u}-act", Status="Done")
    assert code == "ValidationException"
    assert (
        "Member must satisfy enum value set: [Unknown, InProgress, Completed, Failed, Stopping, Stopped]"
        in message
    )


def test_action_describe_fields(sm, b, u):
    arn = b.action(
        f"{u}-step",
        "ModelBuild",
        "s3://code",
        Status="Completed",
        Description="d",
        MetadataProperties={"CommitId": "abc"},
    )
    got = sm.describe_action(ActionName=arn)
    assert got["ActionName"] == f"{u}-step" and got["ActionType"] == "ModelBuild"
    assert got["Status"] == "Completed" and got["MetadataProperties"] == {"CommitId": "abc"}


@pytest.mark.parametrize("op, key", [("describe_context", "ContextName"), ("update_context", "ContextName"),
                                     ("delete_context", "ContextName"), ("describe_action", "ActionName"),
                                     ("update_action", "ActionName"), ("delete_action", "ActionName")])  # fmt: skip
def test_missing_is_resource_not_found(sm, b, u, op, key):
    code, message = b.error(getattr(sm, op), **{key: f"{u}-missing"})
    assert code == "ResourceNotFound" and f"{u}-missing" in message


def test_modeled_exception_class(sm, u):
    with pytest.raises(sm.exceptions.ResourceNotFound):
        sm.describe_context(ContextName=f"{u}-nope")


def test_delete_context_and_action(sm, b, u):
    b.context(f"{u}-gone")
    arn = sm.delete_context(ContextName=f"{u}-gone")["ContextArn"]
    assert arn.endswith(f"/{u}-gone")
    assert b.error(sm.describe_context, ContextName=f"{u}-gone")[0] == "ResourceNotFound"
    b.action(f"{u}-gone")
    sm.delete_action(ActionName=f"{u}-gone")
    assert b.error(sm.describe_action, ActionName=f"{u}-gone")[0] == "ResourceNotFound"
    b.context(f"{u}-gone")  # the name is free again


def test_delete_with_associations_is_refused(sm, b, u):
    ctx = b.context(f"{u}-c")
    act = b.action(f"{u}-a")
    art = b.artifact(f"s3://{u}/d")
    b.link(ctx, act)
    b.link(art, act)
    code, message = b.error(sm.delete_action, ActionName=f"{u}-a")
    assert code == "ValidationException"
    assert "has 2 associations and cannot be deleted" in message
    code, message = b.error(sm.delete_context, ContextName=f"{u}-c")
    assert "has 1 association and cannot be deleted" in message
    sm.delete_association(SourceArn=ctx, DestinationArn=act)
    sm.delete_context(ContextName=f"{u}-c")
    sm.delete_association(SourceArn=art, DestinationArn=act)
    sm.delete_action(ActionName=f"{u}-a")
