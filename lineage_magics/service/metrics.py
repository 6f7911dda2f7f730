"""The SageMaker Metrics service (``sagemaker-metrics``): BatchPutMetrics and BatchGetMetrics.

Raw points (metric name, timestamp, step, value) are kept in the ``metric`` table; a
``metric_summary`` row per trial component and metric is updated with each point (count, mean and
Welford's sum of squares, min, max, last), so DescribeTrialComponent and Search read one row per
metric however many points were logged. ``Last`` is the value with the latest timestamp (a tie: the
larger step, then the later call); ``StdDev`` the sample standard deviation (0 for one point).
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict

from .common import COMPONENT, Txn

PERIODS = {"OneMinute": 60, "FiveMinute": 300, "OneHour": 3600}
SUMMARY_COLUMNS = "component, name, count, mean, m2, min, max, last, last_ts, last_step"


def _time(value) -> float:
    return float(value)


def _point_key(ts: float, step: int | None) -> tuple[float, int]:
    return ts, -1 if step is None else step


def batch_put_metrics(t: Txn, p: dict) -> dict:
    component = t.get(COMPONENT, p["TrialComponentName"])
    points = p["MetricData"]
    seq = t.conn.execute(
        "SELECT coalesce(max(seq), 0) FROM metric WHERE component = ?", (component.id,)
    ).fetchone()[0]
    rows = []
    by_name: dict[str, list] = defaultdict(list)
    for point in points:
        seq += 1
        ts = _time(point["Timestamp"])
        value = float(point["Value"])
        step = point.get("Step")
        rows.append((component.id, point["MetricName"], seq, ts, step, value))
        by_name[point["MetricName"]].append((ts, step, value))
    t.conn.executemany(
        "INSERT INTO metric (component, name, seq, ts, step, value) VALUES (?, ?, ?, ?, ?, ?)", rows
    )
    for name, new in by_name.items():
        row = t.conn.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM metric_summary WHERE component = ? AND name = ?",  # noqa: S608
            (component.id, name),
        ).fetchone()
        count, mean, m2, low, high, last, last_ts, last_step = row[2:] if row else (0, 0.0, 0.0, None, None,
                                                                                   None, None, None)  # fmt: skip
        for ts, step, value in new:
            count += 1
            delta = value - mean
            mean += delta / count
            m2 += delta * (value - mean)
            low = value if low is None else min(low, value)
            high = value if high is None else max(high, value)
            if last_ts is None or _point_key(ts, step) >= _point_key(last_ts, last_step):
                last, last_ts, last_step = value, ts, step
        t.conn.execute(
            f"INSERT OR REPLACE INTO metric_summary ({SUMMARY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            (component.id, name, count, mean, m2, low, high, last, last_ts, last_step),
        )
    return {}


def summaries_of(conn: sqlite3.Connection, component_ids: list[int]) -> dict[int, list[dict]]:
    """TrialComponentMetricSummary lists by trial component id (metrics by name)."""
    out: dict[int, list[dict]] = {}
    if not component_ids:
        return out
    if len(component_ids) == 1:
        rows = conn.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM metric_summary WHERE component = ? ORDER BY name",  # noqa: S608
            (component_ids[0],),
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM metric_summary ORDER BY component, name"  # noqa: S608
        ).fetchall()
    wanted = set(component_ids)
    for component, name, count, mean, m2, low, high, last, last_ts, _ in rows:
        if component not in wanted:
            continue
        out.setdefault(component, []).append(
            {
                "MetricName": name,
                "TimeStamp": last_ts,
                "Max": high,
                "Min": low,
                "Last": last,
                "Count": count,
                "Avg": mean,
                "StdDev": math.sqrt(m2 / (count - 1)) if count > 1 else 0.0,
            }
        )
    return out


def delete_metrics(conn: sqlite3.Connection, component_id: int) -> None:
    conn.execute("DELETE FROM metric WHERE component = ?", (component_id,))
    conn.execute("DELETE FROM metric_summary WHERE component = ?", (component_id,))


def _stat(stat: str, values: list[float]) -> float:
    if stat == "Min":
        return min(values)
    if stat == "Max":
        return max(values)
    if stat == "Count":
        return float(len(values))
    if stat == "Last":
        return values[-1]
    mean = sum(values) / len(values)
    if stat == "Avg":
        return mean
    if len(values) < 2:
        return 0.0
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))  # StdDev


def _failed(message: str) -> dict:
    return {"Status": "ValidationError", "Message": message, "XAxisValues": [], "MetricValues": []}


def _query(t: Txn, q: dict) -> dict:
    entity = t.find_arn(q["ResourceArn"])
    if entity is None or entity.kind != COMPONENT:
        return _failed(f"Resource '{q['ResourceArn']}' does not exist or is not a trial component.")
    by_step = q["XAxisType"] == "IterationNumber"
    if by_step != (q["Period"] == "IterationNumber"):
        return _failed(
            f"Period {q['Period']} cannot be used with XAxisType {q['XAxisType']}: IterationNumber goes "
            "with IterationNumber, Timestamp with OneMinute, FiveMinute or OneHour."
        )
    where = ["component = ?", "name = ?"]
    args: list = [entity.id, q["MetricName"]]
    column = "step" if by_step else "ts"
    if by_step:
        where.append("step IS NOT NULL")
    if q.get("Start") is not None:
        where.append(f"{column} >= ?")
        args.append(q["Start"])
    if q.get("End") is not None:
        where.append(f"{column} <= ?")
        args.append(q["End"])
    rows = t.conn.execute(
        f"SELECT ts, step, value FROM metric WHERE {' AND '.join(where)} ORDER BY ts, step, seq",  # noqa: S608
        args,
    ).fetchall()
    buckets: dict[int, list[float]] = {}
    width = PERIODS.get(q["Period"], 1)
    for ts, step, value in rows:
        x = step if by_step else int(ts // width) * width
        buckets.setdefault(x, []).append(value)
    xs = sorted(buckets)
    return {
        "Status": "Complete",
        "XAxisValues": xs,
        "MetricValues": [_stat(q["MetricStat"], buckets[x]) for x in xs],
    }


def batch_get_metrics(t: Txn, p: dict) -> dict:
    return {"MetricQueryResults": [_query(t, q) for q in p["MetricQueries"]]}


HANDLERS = {
    "BatchPutMetrics": (batch_put_metrics, True),
    "BatchGetMetrics": (batch_get_metrics, False),
}
OPERATIONS = tuple(HANDLERS)  # the operations of the sagemaker-metrics service (REST-JSON)
