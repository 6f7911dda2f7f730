"""CreateAction, DescribeAction, UpdateAction, DeleteAction, ListActions."""

from __future__ import annotations

from .common import ACTION, Entity, Txn, compact, lineage_doc, list_entities, properties_after_update
from .errors import validation
from .tags import put_tags


def create_action(t: Txn, p: dict) -> dict:
    name = p["ActionName"]
    arn = t.arn(ACTION, name)
    if t.find(ACTION, name) is not None:
        raise validation(f"Action '{arn}' already exists.")
    t.check_limit("actions")
    entity_id = t.insert(
        ACTION,
        name=name,
        nkey=name,
        arn=arn,
        type=p["ActionType"],
        atype=p["ActionType"],
        source_uri=p["Source"]["SourceUri"],
        status=p.get("Status"),
        doc=lineage_doc(p, "Source", "Description", "Properties", "MetadataProperties"),
    )
    put_tags(t, entity_id, arn, p.get("Tags"))
    return {"ActionArn": arn}


def describe(entity: Entity) -> dict:
    doc = entity.doc
    return compact(
        {
            "ActionName": entity.name,
            "ActionArn": entity.arn,
            "Source": doc.get("Source"),
            "ActionType": entity.type,
            "Description": doc.get("Description"),
            "Status": entity.status,
            "Properties": doc.get("Properties") or None,
            "CreationTime": entity.created,
            "LastModifiedTime": entity.modified,
            "MetadataProperties": doc.get("MetadataProperties"),
        }
    )


def describe_action(t: Txn, p: dict) -> dict:
    return describe(t.get(ACTION, p["ActionName"]))


def update_action(t: Txn, p: dict) -> dict:
    entity = t.get(ACTION, p["ActionName"])
    if "Description" in p:
        entity.doc["Description"] = p["Description"]
    entity.doc["Properties"] = properties_after_update(entity.doc.get("Properties") or {}, p)
    t.save_doc(entity, status=p.get("Status", entity.status))
    return {"ActionArn": entity.arn}


def delete_action(t: Txn, p: dict) -> dict:
    entity = t.get(ACTION, p["ActionName"])
    t.delete_entity(entity)
    return {"ActionArn": entity.arn}


def summary(t: Txn, entity: Entity) -> dict:
    return compact(
        {
            "ActionArn": entity.arn,
            "ActionName": entity.name,
            "Source": entity.doc.get("Source"),
            "ActionType": entity.type,
            "Status": entity.status,
            "CreationTime": entity.created,
            "LastModifiedTime": entity.modified,
        }
    )


def list_actions(t: Txn, p: dict) -> dict:
    return list_entities(t, ACTION, p, type_param="ActionType", summary=summary, result_key="ActionSummaries")


HANDLERS = {
    "CreateAction": (create_action, True),
    "DescribeAction": (describe_action, False),
    "UpdateAction": (update_action, True),
    "DeleteAction": (delete_action, True),
    "ListActions": (list_actions, False),
}
