"""AddAssociation, DeleteAssociation, ListAssociations.

An association is keyed by its ordered (source, destination) pair; its type is optional. Both ends
must exist, and two experiment entities (Experiment, TrialComponent) are never associated.
"""

from __future__ import annotations

from .common import EXPERIMENT_ENTITIES, Txn, compact, created_filters, list_page
from .errors import not_found, validation


def _endpoint(t: Txn, arn: str, role: str):
    entity = t.find_arn(arn)
    if entity is None:
        raise not_found(f"{role} '{arn}' does not exist.")
    return entity


def add_association(t: Txn, p: dict) -> dict:
    source = _endpoint(t, p["SourceArn"], "Source")
    destination = _endpoint(t, p["DestinationArn"], "Destination")
    if source.kind in EXPERIMENT_ENTITIES and destination.kind in EXPERIMENT_ENTITIES:
        raise validation(
            f"An association can't be created between two experiment entities "
            f"('{source.arn}' and '{destination.arn}')."
        )
    if source.id == destination.id:
        raise validation(f"An entity can't be associated with itself ('{source.arn}').")
    exists = t.conn.execute(
        "SELECT 1 FROM edge WHERE src = ? AND dst = ?", (source.id, destination.id)
    ).fetchone()
    if exists:
        raise validation(f"Association between '{source.arn}' and '{destination.arn}' already exists.")
    t.check_limit("associations")
    t.conn.execute(
        "INSERT INTO edge (src, dst, type, created, manual) VALUES (?, ?, ?, ?, 1)",
        (source.id, destination.id, p.get("AssociationType"), t.now),
    )
    t.bump("associations", 1)
    return {"SourceArn": source.arn, "DestinationArn": destination.arn}


def delete_association(t: Txn, p: dict) -> dict:
    source = t.find_arn(p["SourceArn"])
    destination = t.find_arn(p["DestinationArn"])
    row = None
    if source is not None and destination is not None:
        row = t.conn.execute(
            "SELECT manual FROM edge WHERE src = ? AND dst = ?", (source.id, destination.id)
        ).fetchone()
    if row is None:
        raise not_found(f"Association between '{p['SourceArn']}' and '{p['DestinationArn']}' does not exist.")
    t.conn.execute("DELETE FROM edge WHERE src = ? AND dst = ?", (source.id, destination.id))
    if row[0]:
        t.bump("associations", -1)
    return {"SourceArn": source.arn, "DestinationArn": destination.arn}


_SORT = {
    "SourceArn": "s.arn",
    "DestinationArn": "d.arn",
    "SourceType": "s.atype",
    "DestinationType": "d.atype",
    "CreationTime": "e.created",
}


def list_associations(t: Txn, p: dict) -> dict:
    where: list[str] = []
    args: list = []
    for member, column in (("SourceArn", "e.src"), ("DestinationArn", "e.dst")):
        if p.get(member):
            entity = t.find_arn(p[member])
            if entity is None:
                return {"AssociationSummaries": []}
            where.append(f"{column} = ?")
            args.append(entity.id)
    for member, column in (
        ("SourceType", "s.atype"),
        ("DestinationType", "d.atype"),
        ("AssociationType", "e.type"),
    ):
        if p.get(member) is not None:
            where.append(f"{column} = ?")
            args.append(p[member])
    created_filters(p, "e.created", where, args)
    sort_expr = _SORT[p.get("SortBy", "CreationTime")]
    rows, token = list_page(
        t,
        scope="AssociationSummaries",
        select=(
            "SELECT s.arn, d.arn, s.atype, d.atype, e.type, s.name, d.name, e.created, "  # noqa: S608
            f"{sort_expr}, e.src, e.dst FROM edge e JOIN entity s ON s.id = e.src JOIN entity d ON d.id = e.dst"
        ),
        where=where,
        args=args,
        sort_expr=sort_expr,
        tiebreak=("e.src", "e.dst"),
        params=p,
    )
    summaries = [
        compact(
            {
                "SourceArn": r[0],
                "DestinationArn": r[1],
                "SourceType": r[2],
                "DestinationType": r[3],
                "AssociationType": r[4],
                "SourceName": r[5],
                "DestinationName": r[6],
                "CreationTime": r[7],
            }
        )
        for r in rows
    ]
    out: dict = {"AssociationSummaries": summaries}
    if token:
        out["NextToken"] = token
    return out


HANDLERS = {
    "AddAssociation": (add_association, True),
    "DeleteAssociation": (delete_association, True),
    "ListAssociations": (list_associations, False),
}
