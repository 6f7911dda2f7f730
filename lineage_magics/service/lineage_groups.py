"""Lineage groups (cross-account lineage sharing): the read operations, as SageMaker answers them for
an account that has none. A local store never holds one, so ListLineageGroups is empty and
DescribeLineageGroup / GetLineageGroupPolicy answer ``ResourceNotFound`` with the group's ARN.
"""

from __future__ import annotations

from .common import Txn, decode_token
from .errors import not_found


def list_lineage_groups(t: Txn, p: dict) -> dict:
    if p.get("NextToken"):
        decode_token(p["NextToken"], "LineageGroupSummaries")  # none was issued: ValidationException
    return {"LineageGroupSummaries": []}


def _missing(t: Txn, name_or_arn: str):
    arn = (
        name_or_arn
        if name_or_arn.startswith("arn:")
        else f"{t.settings.arn_prefix}lineage-group/{name_or_arn}"
    )
    return not_found(f"Lineage group '{arn}' does not exist.")


def describe_lineage_group(t: Txn, p: dict) -> dict:
    raise _missing(t, p["LineageGroupName"])


def get_lineage_group_policy(t: Txn, p: dict) -> dict:
    raise _missing(t, p["LineageGroupName"])


HANDLERS = {
    "ListLineageGroups": (list_lineage_groups, False),
    "DescribeLineageGroup": (describe_lineage_group, False),
    "GetLineageGroupPolicy": (get_lineage_group_policy, False),
}
