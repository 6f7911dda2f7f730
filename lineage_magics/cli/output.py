"""A verb's Result as the command writes it: text (the tree, aligned tables) or ``--format``, to stdout
or ``--out FILE``. Graph formats come from the one table in :mod:`lineage_magics.render.formats`."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from datetime import datetime
from typing import Any

from IPython.core.error import UsageError

from ..render.formats import FORMATS, by_extension, export, save
from ..text import text_table, visible


def error_line(prog: str, text: object) -> str:
    """One line for stderr: ``prog: text`` with control characters shown, and a message written for the
    notebook (``%lineage delete X --cascade``) in the terminal's words (``lineage delete X --cascade``)."""
    text = re.sub(r"%%?lineage\b", "lineage", " ".join(str(text).split()))
    return visible(text if re.match(r"lineage( [\w-]+)?: ", text) else f"{prog}: {text}")


def add_options(parser, formats: tuple[str, ...]) -> None:
    """``--format``, ``--out`` and ``--quiet`` of a command whose result can be written as ``formats``."""
    parser.add_argument(
        "--format", choices=formats, help=f"{', '.join(formats)} (default: from --out, else text)"
    )
    parser.add_argument("--out", metavar="FILE", help="write the output to FILE instead of stdout")
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=None, help="print nothing but errors; no progress bars"
    )


def chosen_format(prog: str, args, formats: tuple[str, ...]) -> str:
    """The format to write: ``--format``, else the one ``--out``'s extension names, else text.
    Checked before the verb runs, so a refused format writes nothing."""
    if args.format:
        return args.format
    if not args.out:
        return "text"
    name = os.fspath(args.out).lower()
    implied = "csv" if name.endswith(".csv") else by_extension(name)
    implied = "text" if implied is None else implied
    if implied not in formats:
        raise UsageError(f"{prog}: cannot write {implied} to {args.out}; --format takes {', '.join(formats)}")
    return implied


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def to_json(value: Any) -> str:
    return json.dumps(value, indent=2, default=_plain, ensure_ascii=False)


def to_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    """Rows as CSV: every key of every row (``columns`` first); lists and dicts as JSON, None empty."""
    keys = list(columns or [])
    for row in rows:
        keys += [k for k in row if k not in keys]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        cells = []
        for k in keys:
            v = row.get(k)
            if isinstance(v, dict | list | tuple):
                v = json.dumps(v, default=_plain, ensure_ascii=False)
            cells.append("" if v is None else _plain(v) if isinstance(v, datetime) else v)
        writer.writerow(cells)
    return out.getvalue()


def text_of(result) -> str:
    """The terminal's view: the result's own text, a graph's tree, a table's rows, else its repr."""
    if result.text is not None:
        return result.text
    if result.graph is not None:
        return result.graph.to_text()
    if result.rows is not None:
        if not result.rows:
            return "(none)"
        columns = result.columns or list(result.rows[0])
        rows = [["" if r.get(c) is None else _cell(r.get(c)) for c in columns] for r in result.rows]
        table = text_table(columns, rows)
        return f"{table}\n({result.note})" if result.note else table
    return repr(result.shown)


def _cell(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else str(value)


def rendered(result, format: str) -> str | bytes:
    """The result in ``format`` (text, json, csv, or a graph format)."""
    if format == "text":
        return text_of(result)
    graph = result.graph
    if format == "json":
        if graph is not None:
            return graph.to_json(**result.json_options)
        return to_json(result.data if result.data is not None else result.rows)
    if format == "csv":
        if graph is not None:
            return graph.to_dataframe().to_csv(index=False)
        return to_csv(result.rows or [], result.columns)
    return export(graph, format)


def write(prog: str, result, format: str, out: str | None, quiet: bool) -> None:
    """Write the result: to ``out`` (a one-line note on stderr unless ``quiet``), else to stdout."""
    if quiet and not out:
        return
    if out is None and FORMATS.get(format) is not None and FORMATS[format].binary and sys.stdout.isatty():
        raise UsageError(f"{prog}: {format} is binary: give --out FILE or redirect stdout")
    data = rendered(result, format)
    if isinstance(data, str) and not data.endswith("\n"):
        data += "\n"
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    save(data, out)
    if not quiet:
        print(f"{prog}: wrote {out} ({format})", file=sys.stderr)
