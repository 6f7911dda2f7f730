"""The runs of an experiment (trial components, as the SDK's ``Run`` records them), found with Search."""

from __future__ import annotations

from ..api import Api


def find_runs(
    api: Api,
    experiment: str | None,
    filters: list[dict],
    sort_by: str = "CreationTime",
    order: str = "Ascending",
    limit: int | None = None,
) -> tuple[list[dict], bool]:
    """Search's TrialComponent records matching ``filters`` (of ``experiment`` when given), sorted,
    at most ``limit``: ``(records, more)``, ``more`` true when more matched."""
    filters = list(filters)
    if experiment:
        # its stored name (names are case-insensitive); ResourceNotFound names a wrong experiment
        experiment = api.call("describe_experiment", ExperimentName=experiment)["ExperimentName"]
        filters.insert(0, {"Name": "Parents.ExperimentName", "Operator": "Equals", "Value": experiment})
    request: dict = {"Resource": "ExperimentTrialComponent", "SortBy": sort_by, "SortOrder": order}
    if filters:
        request["SearchExpression"] = {"Filters": filters}
    records: list[dict] = []
    while True:
        page = api.call("search", **request, MaxResults=100)
        records += [r["TrialComponent"] for r in page.get("Results", []) if "TrialComponent" in r]
        if limit is not None and len(records) > limit:
            return records[:limit], True
        if not page.get("NextToken"):
            return records, False
        request["NextToken"] = page["NextToken"]
