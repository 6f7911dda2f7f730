"""AddTags, ListTags, DeleteTags: tags on every entity (not on associations)."""

from __future__ import annotations

from .common import Entity, Txn, decode_token, encode_token
from .errors import validation

MAX_TAGS = 50


def put_tags(t: Txn, entity_id: int, arn: str, tags: list[dict] | None) -> None:
    """Add or overwrite tags by key; an entity holds at most 50."""
    if not tags:
        return
    seq = t.conn.execute("SELECT coalesce(max(seq), 0) FROM tag WHERE entity = ?", (entity_id,)).fetchone()[0]
    existing = {row[0] for row in t.conn.execute("SELECT key FROM tag WHERE entity = ?", (entity_id,))}
    new_keys = {tag["Key"] for tag in tags} - existing
    if len(existing) + len(new_keys) > MAX_TAGS:
        raise validation(f"Resource '{arn}' cannot have more than {MAX_TAGS} tags.")
    for tag in tags:
        seq += 1
        t.conn.execute(
            "INSERT INTO tag (entity, key, value, seq) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(entity, key) DO UPDATE SET value = excluded.value",
            (entity_id, tag["Key"], tag.get("Value", ""), seq),
        )


def _resource(t: Txn, arn: str) -> Entity:
    """The tagged entity. The tag operations model no ResourceNotFound: SageMaker answers a missing
    resource with ValidationException (aws/amazon-sagemaker-feedback#108)."""
    entity = t.find_arn(arn)
    if entity is None:
        raise validation(f"Resource '{arn}' does not exist.")
    return entity


def add_tags(t: Txn, p: dict) -> dict:
    entity = _resource(t, p["ResourceArn"])
    put_tags(t, entity.id, entity.arn, p["Tags"])
    return {"Tags": p["Tags"]}


def list_tags(t: Txn, p: dict) -> dict:
    entity = _resource(t, p["ResourceArn"])
    limit = p.get("MaxResults") or MAX_TAGS
    after = 0
    if p.get("NextToken"):
        payload = decode_token(p["NextToken"], f"ListTags:{entity.id}")
        if len(payload) != 1 or not isinstance(payload[0], int):
            raise validation("Invalid pagination token: the NextToken was not issued for this request.")
        after = payload[0]
    rows = t.conn.execute(
        "SELECT key, value, seq FROM tag WHERE entity = ? AND seq > ? ORDER BY seq LIMIT ?",
        (entity.id, after, limit + 1),
    ).fetchall()
    out: dict = {"Tags": [{"Key": k, "Value": v} for k, v, _ in rows[:limit]]}
    if len(rows) > limit:
        out["NextToken"] = encode_token([f"ListTags:{entity.id}", rows[limit - 1][2]])
    return out


def delete_tags(t: Txn, p: dict) -> dict:
    entity = _resource(t, p["ResourceArn"])
    t.conn.executemany("DELETE FROM tag WHERE entity = ? AND key = ?", [(entity.id, k) for k in p["TagKeys"]])
    return {}


HANDLERS = {
    "AddTags": (add_tags, True),
    "ListTags": (list_tags, False),
    "DeleteTags": (delete_tags, True),
}
