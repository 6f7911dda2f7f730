"""``%lineage runs [EXPERIMENT]``: the runs (trial components) of an experiment as a table.

One row a run: its name, status, duration, parameters and the final (``Last``) value of each metric;
``-o NAME`` stores a pandas DataFrame with every metric statistic (``loss.Min``, ``loss.Max``, ...).
Sorting and filtering use SageMaker Search's own words: ``--sort-by Parameters.lr`` or
``--sort-by Metrics.train:loss.Min``, ``--where "Parameters.lr > 0.01"`` (operators ``= != > >= < <=``,
``contains``, ``in``, ``exists``, ``not-exists``, or Search's names such as ``GreaterThan``).
"""

from __future__ import annotations

import re
from datetime import datetime

from IPython.core.error import UsageError

from ... import sagemaker as sm
from ...text import escape_html, html_table, text_table
from ..parsing import add_var_option, positive_int
from ..registry import Result, Verb

STATS = ("Last", "Min", "Max", "Avg", "StdDev", "Count")
_SYMBOLS = {"=": "Equals", "==": "Equals", "!=": "NotEquals", ">": "GreaterThan", ">=": "GreaterThanOrEqualTo",
            "<": "LessThan", "<=": "LessThanOrEqualTo", "contains": "Contains", "in": "In",
            "exists": "Exists", "not-exists": "NotExists"}  # fmt: skip
_WHERE = re.compile(r"\s*(\S+?)\s*(==|!=|>=|<=|=|>|<|\s[A-Za-z-]+(?:\s|$))\s*(.*)$", re.S)


def parse_where(text: str) -> dict:
    """``"Parameters.lr > 0.01"`` -> a Search Filter; UsageError naming what is wrong."""
    found = _WHERE.match(text)
    if not found:
        raise UsageError(
            f"%lineage runs: --where {text!r}: write NAME OPERATOR VALUE, e.g. 'Parameters.lr > 0.01'"
        )
    name, word, value = found.group(1), found.group(2).strip(), found.group(3).strip()
    operator = _SYMBOLS.get(word.lower()) or next(
        (n for n in sm.search_operators() if n.lower() == word.lower()), None
    )
    if operator is None:
        raise UsageError(
            f"%lineage runs: --where {text!r}: unknown operator {word!r}; use = != > >= < <= contains in "
            "exists not-exists"
        )
    flt = {"Name": name, "Operator": operator}
    if operator in ("Exists", "NotExists"):
        if value:
            raise UsageError(f"%lineage runs: --where {text!r}: {word} takes no value")
    elif not value:
        raise UsageError(f"%lineage runs: --where {text!r}: {word} needs a value")
    else:
        flt["Value"] = value
    return flt


def _value(parameter: dict):
    return parameter.get("NumberValue", parameter.get("StringValue"))


def _short(number) -> str:
    if isinstance(number, float):
        return f"{number:.4g}"
    return "" if number is None else str(number)


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _duration(tc: dict) -> float | None:
    start, end = tc.get("StartTime"), tc.get("EndTime")
    if isinstance(start, datetime) and isinstance(end, datetime):
        return round((end - start).total_seconds(), 3)
    return None


class RunTable:
    """The runs of ``%lineage runs``: ``records`` are Search's TrialComponent documents."""

    def __init__(self, experiment: str | None, records: list[dict], more: bool):
        self.experiment = experiment
        self.records = records
        self.more = more
        self.parameters = sorted({k for r in records for k in r.get("Parameters") or {}})
        self.metrics = sorted({m["MetricName"] for r in records for m in r.get("Metrics") or []})

    def _name(self, tc: dict) -> str:
        name = tc["TrialComponentName"]
        prefix = f"{self.experiment.lower()}-" if self.experiment else ""
        return name[len(prefix) :] if prefix and name.startswith(prefix) else name

    def rows(self) -> list[list]:
        out = []
        for tc in self.records:
            params = tc.get("Parameters") or {}
            metrics = {m["MetricName"]: m for m in tc.get("Metrics") or []}
            out.append(
                [self._name(tc), (tc.get("Status") or {}).get("PrimaryStatus", ""), _seconds(_duration(tc))]
                + [_short(_value(params[p])) if p in params else "" for p in self.parameters]
                + [_short(metrics[m].get("Last")) if m in metrics else "" for m in self.metrics]
            )
        return out

    @property
    def columns(self) -> list[str]:
        return ["run", "status", "duration (s)", *self.parameters, *self.metrics]

    def _caption(self) -> str:
        where = f"experiment {self.experiment}" if self.experiment else "all experiments"
        n = len(self.records)
        text = f"{n} run{'s' if n != 1 else ''} of {where}"
        if self.more:
            text += " (more not shown: --limit N)"
        if self.metrics:
            text += "; metrics show their last value (-o NAME: a DataFrame with every statistic)"
        return text

    def __repr__(self) -> str:
        if not self.records:
            return self._caption()
        return f"{self._caption()}\n{text_table(self.columns, self.rows())}"

    def _repr_html_(self) -> str:
        if not self.records:
            return f"<p>{escape_html(self._caption())}</p>"
        return html_table(self.columns, self.rows(), caption=self._caption())

    def to_dataframe(self):
        """One row a run: name, status, times, each parameter, each metric statistic (``loss.Min``...)."""
        import pandas as pd

        rows = []
        for tc in self.records:
            row = {
                "run": self._name(tc),
                "trial_component": tc["TrialComponentName"],
                "status": (tc.get("Status") or {}).get("PrimaryStatus"),
                "start": tc.get("StartTime"),
                "end": tc.get("EndTime"),
                "duration_s": _duration(tc),
            }
            params = tc.get("Parameters") or {}
            row.update({p: _value(params[p]) if p in params else None for p in self.parameters})
            for m in tc.get("Metrics") or []:
                row.update({f"{m['MetricName']}.{s}": m.get(s) for s in STATS})
            rows.append(row)
        return pd.DataFrame(rows)


def build(p) -> None:
    p.add_argument("experiment", metavar="EXPERIMENT", nargs="?", help="the experiment (none: every run)")
    p.add_argument("--sort-by", metavar="PROP", default="CreationTime",
                   help="a Search property: Parameters.lr, Metrics.loss.Min, StartTime ... (default CreationTime)")  # fmt: skip
    p.add_argument("--order", metavar="asc|desc", default="asc", help="sort order (default asc)")
    p.add_argument("--where", metavar="FILTER", action="append", default=[],
                   help="'NAME OP VALUE' (Search's words), repeatable: 'Parameters.lr > 0.01'")  # fmt: skip
    p.add_argument(
        "--limit", type=positive_int, metavar="N", help="at most N runs (default: %%config displaylimit)"
    )
    add_var_option(p, "a DataFrame of the runs")


def _order(text: str) -> str:
    lowered = text.lower()
    if lowered in ("asc", "ascending"):
        return "Ascending"
    if lowered in ("desc", "descending"):
        return "Descending"
    raise UsageError(f"%lineage runs: --order takes asc or desc, not {text!r}")


def run(m, args, cell):
    order = _order(args.order)
    filters = [parse_where(text) for text in args.where]
    limit = args.limit if args.limit is not None else (m.displaylimit or None)
    records, more = m.client.runs(args.experiment, filters, sort_by=args.sort_by, order=order, limit=limit)
    table = RunTable(args.experiment, records, more)
    frame = table.to_dataframe()
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")  # json/csv: every statistic
    note = "more runs matched; --limit N shows more" if more else None
    return Result(table, value=frame, rows=rows, text=repr(table), note=note)


VERBS = {
    "runs": Verb(
        "runs",
        "the runs of an experiment: parameters, final metrics, status, duration",
        build,
        run,
        (
            "%lineage runs my-experiment",
            "%lineage runs my-experiment --sort-by Metrics.train:loss.Min --where 'Parameters.lr > 0.001'",
            "%lineage runs my-experiment -o runs_df",
        ),
        output="table",
    )
}
