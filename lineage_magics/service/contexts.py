"""CreateContext, DescribeContext, UpdateContext, DeleteContext, ListContexts."""

from __future__ import annotations

from .common import CONTEXT, Entity, Txn, compact, lineage_doc, list_entities, properties_after_update
from .errors import validation
from .tags import put_tags


def create_context(t: Txn, p: dict) -> dict:
    name = p["ContextName"]
    arn = t.arn(CONTEXT, name)
    if t.find(CONTEXT, name) is not None:
        raise validation(f"Context '{arn}' already exists.")
    t.check_limit("contexts")
    entity_id = t.insert(
        CONTEXT,
        name=name,
        nkey=name,
        arn=arn,
        type=p["ContextType"],
        atype=p["ContextType"],
        source_uri=p["Source"]["SourceUri"],
        doc=lineage_doc(p, "Source", "Description", "Properties"),
    )
    put_tags(t, entity_id, arn, p.get("Tags"))
    return {"ContextArn": arn}


def describe(entity: Entity) -> dict:
    doc = entity.doc
    return compact(
        {
            "ContextName": entity.name,
            "ContextArn": entity.arn,
            "Source": doc.get("Source"),
            "ContextType": entity.type,
            "Description": doc.get("Description"),
            "Properties": doc.get("Properties") or None,
            "CreationTime": entity.created,
            "LastModifiedTime": entity.modified,
        }
    )


def describe_context(t: Txn, p: dict) -> dict:
    return describe(t.get(CONTEXT, p["ContextName"]))


def update_context(t: Txn, p: dict) -> dict:
    entity = t.get(CONTEXT, p["ContextName"])
    if "Description" in p:
        entity.doc["Description"] = p["Description"]
    entity.doc["Properties"] = properties_after_update(entity.doc.get("Properties") or {}, p)
    t.save_doc(entity)
    return {"ContextArn": entity.arn}


def delete_context(t: Txn, p: dict) -> dict:
    entity = t.get(CONTEXT, p["ContextName"])
    t.delete_entity(entity)
    return {"ContextArn": entity.arn}


def summary(t: Txn, entity: Entity) -> dict:
    return compact(
        {
            "ContextArn": entity.arn,
            "ContextName": entity.name,
            "Source": entity.doc.get("Source"),
            "ContextType": entity.type,
            "CreationTime": entity.created,
            "LastModifiedTime": entity.modified,
        }
    )


def list_contexts(t: Txn, p: dict) -> dict:
    return list_entities(
        t, CONTEXT, p, type_param="ContextType", summary=summary, result_key="ContextSummaries"
    )


HANDLERS = {
    "CreateContext": (create_context, True),
    "DescribeContext": (describe_context, False),
    "UpdateContext": (update_context, True),
    "DeleteContext": (delete_context, True),
    "ListContexts": (list_contexts, False),
}
