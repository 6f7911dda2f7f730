"""Text helpers shared by every layer: control characters made visible, HTML escaping, shortening,
"did you mean", and tables as HTML or aligned text. The one place each of these is written."""

from __future__ import annotations

import difflib
import html
from collections.abc import Iterable, Sequence

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _needs_escape(ch: str) -> bool:
    o = ord(ch)
    return (
        o < 0x20
        or 0x7F <= o <= 0x9F  # DEL and C1 controls
        or 0xD800 <= o <= 0xDFFF  # lone surrogates: not encodable
        or o in (0x2028, 0x2029, 0xFFFE, 0xFFFF)  # line separators; XML non-characters
    )


def visible(text: object) -> str:
    """``text`` with control characters shown as escapes (``\\n``, ``\\x07``), never raw."""
    s = "" if text is None else str(text)
    if not any(_needs_escape(ch) for ch in s):
        return s
    out = []
    for ch in s:
        if not _needs_escape(ch):
            out.append(ch)
        elif ch in _NAMED:
            out.append(_NAMED[ch])
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def escape_html(text: object) -> str:
    """``visible(text)`` escaped for HTML text and attribute values (quotes included)."""
    return html.escape(visible(text), quote=True)


def shorten(text: str, limit: int, *, middle: bool = False) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis at the end (or in the middle)."""
    if len(text) <= limit:
        return text
    if middle and limit >= 9:
        head = (limit - 1) // 2
        return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]
    return text[: max(limit - 1, 1)] + "…"


def uri_tail(uri: str | None, min_chars: int = 16, max_chars: int = 32) -> str:
    """The last path segments of a URI: enough for ``min_chars``, within ``max_chars`` (``features/27``)."""
    if not uri:
        return ""
    parts = [p for p in uri.rstrip("/").split("/") if p]
    tail = parts.pop() if parts else uri
    while parts and len(tail) < min_chars and not parts[-1].endswith(":"):
        longer = f"{parts.pop()}/{tail}"
        if len(longer) > max_chars:
            break
        tail = longer
    return tail


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    """`` (did you mean 'x'?)`` for the closest choices (case-insensitive as a fallback), or ``""``."""
    choices = sorted({str(c) for c in choices if c})
    close = difflib.get_close_matches(word, choices, n=n, cutoff=0.6)
    if not close:
        lowered = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=n, cutoff=0.6)
        close = [c for c in choices if c.lower() in lowered][:n]
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def html_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    css_class: str | None = None,
    header_column: bool = False,
    row_colours: Sequence[str] | None = None,
    breakable: Sequence[str] | None = None,
) -> str:
    """An HTML table, every cell ``escape_html``-ed; ``header_column`` makes each row's first cell a ``<th>``
    (key/value tables); ``row_colours`` (``#rrggbb``, one a row) colour the rows' text. No ``<thead>``
    when ``columns`` is empty. With ``breakable`` (column names, e.g. ``["arn"]``), those columns' cells
    break anywhere and the others never wrap, so a long ARN does not squeeze names and dates."""
    left = " style='text-align:left'"
    if breakable is not None:
        nowrap = " style='text-align:left;white-space:nowrap'"
        breaks = " style='text-align:left;word-break:break-all;font-size:90%'"
        styles = [breaks if c in breakable else nowrap for c in columns]
    else:
        styles = [left] * len(columns)
    cls = f" class='{escape_html(css_class)}'" if css_class else ""
    cap = f"<caption{left}>{escape_html(caption)}</caption>" if caption else ""
    head = (
        "<thead><tr>" + "".join(f"<th{left}>{escape_html(c)}</th>" for c in columns) + "</tr></thead>"
        if columns
        else ""
    )
    body = []
    for n, row in enumerate(rows):
        cells = [
            f"<th{left}>{escape_html(v)}</th>"
            if header_column and i == 0
            else f"<td{styles[i] if i < len(styles) else left}>{escape_html(v)}</td>"
            for i, v in enumerate(row)
        ]
        colour = f" style='color:{escape_html(row_colours[n])}'" if row_colours else ""
        body.append(f"<tr{colour}>" + "".join(cells) + "</tr>")
    return f"<table{cls}>{cap}{head}<tbody>{''.join(body)}</tbody></table>"


def text_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows as aligned plain-text columns under a header and a rule (cells ``visible``)."""
    cells = [[visible(c) for c in columns]] + [[visible(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
