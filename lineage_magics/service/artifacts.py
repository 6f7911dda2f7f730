"""CreateArtifact, DescribeArtifact, UpdateArtifact, DeleteArtifact, ListArtifacts.

An artifact is identified by its Source: the SourceUri and the set of SourceTypes. Its ARN ends
with a deterministic 32-hex hash of that Source; names are labels and need not be unique.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring as _string  # a str's JSON literal, not ASCII-escaped

from .common import ARTIFACT, Entity, Txn, compact, lineage_doc, list_entities, properties_after_update
from .errors import not_found, validation
from .tags import put_tags


def source_hash(source: dict) -> str:
    """md5 over the SourceUri and the sorted, de-duplicated SourceTypes (the artifact's identity)."""
    if not source.get("SourceTypes"):  # the same bytes as below, without building the list
        payload = "[" + _string(source["SourceUri"]) + ",[]]"
        return hashlib.md5(payload.encode(), usedforsecurity=False).hexdigest()
    types = sorted(
        {(st.get("SourceIdType", ""), st.get("Value", "")) for st in source.get("SourceTypes") or []}
    )
    payload = json.dumps([source["SourceUri"], types], separators=(",", ":"), ensure_ascii=False)
    return hashlib.md5(payload.encode(), usedforsecurity=False).hexdigest()


def create_artifact(t: Txn, p: dict) -> dict:
    source = p["Source"]
    digest = source_hash(source)
    arn = t.arn(ARTIFACT, digest)
    if t.find(ARTIFACT, digest) is not None:
        raise validation(f"Artifact '{arn}' already exists with the same Source (SourceUri and SourceTypes).")
    t.check_limit("artifacts")
    entity_id = t.insert(
        ARTIFACT,
        name=p.get("ArtifactName"),
        nkey=digest,
        arn=arn,
        type=p["ArtifactType"],
        atype=p["ArtifactType"],
        source_uri=source["SourceUri"],
        doc=lineage_doc(p, "Source", "Properties", "MetadataProperties"),
    )
    put_tags(t, entity_id, arn, p.get("Tags"))
    return {"ArtifactArn": arn}


def describe(entity: Entity) -> dict:
    doc = entity.doc
    return compact(
        {
            "ArtifactName": entity.name,
            "ArtifactArn": entity.arn,
            "Source": doc.get("Source"),
            "ArtifactType": entity.type,
            "Properties": doc.get("Properties") or None,
            "CreationTime": entity.created,
            "LastModifiedTime": entity.modified,
            "MetadataProperties": doc.get("MetadataProperties"),
        }
    )


def describe_artifact(t: Txn, p: dict) -> dict:
    return describe(t.get(ARTIFACT, p["ArtifactArn"]))


def update_artifact(t: Txn, p: dict) -> dict:
    entity = t.get(ARTIFACT, p["ArtifactArn"])
    entity.doc["Properties"] = properties_after_update(entity.doc.get("Properties") or {}, p)
    t.save_doc(entity, name=p.get("ArtifactName", entity.name))
    return {"ArtifactArn": entity.arn}


def delete_artifact(t: Txn, p: dict) -> dict:
    if p.get("ArtifactArn"):
        entity = t.get(ARTIFACT, p["ArtifactArn"])
    elif p.get("Source"):
        entity = t.find(ARTIFACT, source_hash(p["Source"]))
        if entity is None:
            raise not_found(f"Artifact with Source '{p['Source']['SourceUri']}' does not exist.")
    else:
        raise validation("Either ArtifactArn or Source must be specified.")
    t.delete_entity(entity)
    return {"ArtifactArn": entity.arn}


def summary(t: Txn, entity: Entity) -> dict:
    return compact(
        {
            "ArtifactArn": entity.arn,
            "ArtifactName": entity.name,
            "Source": entity.doc.get("Source"),
            "ArtifactType": entity.type,
            "CreationTime": entity.created,
            "LastModifiedTime": entity.modified,
        }
    )


def list_artifacts(t: Txn, p: dict) -> dict:
    return list_entities(
        t, ARTIFACT, p, type_param="ArtifactType", summary=summary, result_key="ArtifactSummaries"
    )


HANDLERS = {
    "CreateArtifact": (create_artifact, True),
    "DescribeArtifact": (describe_artifact, False),
    "UpdateArtifact": (update_artifact, True),
    "DeleteArtifact": (delete_artifact, True),
    "ListArtifacts": (list_artifacts, False),
}
