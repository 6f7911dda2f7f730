"""The shared base of the forms: a VBox with a status line, a busy state and error handling."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as w

from lineage_magics.errors import LineageError
from lineage_magics.text import escape_html as escape

log = logging.getLogger("lineage_magics.widgets")

_COLOURS = {"info": "#555", "busy": "#555", "ok": "#1a7f37", "error": "#c62828"}
RUN_TO_USE = "an interactive form: run this cell in Jupyter to use it"


class FormError(LineageError, ValueError):
    """A form refusing what it was asked (nothing chosen, invalid input): shown as the bare message."""


def one_line(error: BaseException) -> str:
    """The first line of the message, after ``Type: `` for anything but a FormError."""
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    if isinstance(error, FormError):
        return first
    name = type(error).__name__
    return f"{name}: {first}" if first else name


def walk(widget: w.Widget) -> Iterator[w.Widget]:
    """The widget and every widget inside it (through ``children``)."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def set_enabled(button: w.Button, enabled: bool, style: str = "", why: str = "") -> None:
    """Enable or disable ``button``; a disabled button loses its colour (``style``) so that it does not
    look like an enabled one, and its tooltip says ``why``."""
    button.disabled = not enabled
    button.button_style = style if enabled else ""
    button.tooltip = "" if enabled else why


def labelled(text: str, widget: w.Widget, width: str = "8em", align: str = "center") -> w.HBox:
    """``widget`` with a label on its left, aligned like the inputs' own descriptions."""
    label = w.HTML(
        f'<div style="text-align:right;padding-right:8px">{escape(text)}</div>',
        layout=w.Layout(width=width, flex="0 0 auto"),
    )
    return w.HBox([label, widget], layout=w.Layout(align_items=align))


class LineageForm(w.VBox):
    """A form: its own controls, then a one-line status (always escaped).

    Subclasses build their children and call ``super().__init__(client, children)``.
    Button and observer callbacks go through :meth:`action` / :meth:`guard`, so an
    exception never escapes silently: it is shown in red in the status line, kept in
    ``self.error`` and logged to the ``lineage_magics.widgets`` logger (a bug with its traceback).
    ``register_callback(fn)`` calls ``fn(value)`` whenever the form produces a new value.
    """

    title = ""

    def __init__(self, client: Any = None, children: list[w.Widget] = (), **kwargs: Any) -> None:
        if client is None:
            from lineage_magics import LineageClient

            client = LineageClient()
        self.client = client
        self.error: BaseException | None = None
        self._busy = False
        self._callbacks: list[Callable[[Any], Any]] = []
        self._status = w.HTML(value="", layout=w.Layout(min_height="1.6em"))
        self._status.add_class("lineage-status")
        self._status_text = ""
        self._status_level = "info"
        head = [w.HTML(f"<b>{escape(self.title)}</b>")] if self.title else []
        super().__init__(children=[*head, *children, self._status], **kwargs)
        self.add_class("lineage-form")

    # -- what a notebook shows without a kernel ---------------------------
    def static_lines(self) -> list[str]:
        """What the form is set to, in a few lines of text (subclasses add theirs)."""
        return [self.status] if self.status else []

    def _repr_mimebundle_(self, **kwargs: Any):
        """The widget view, plus a text and HTML picture of the form for viewers without its state
        (an untrusted notebook, GitHub, a notebook saved without widget state)."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if not bundle:
            return bundle
        lines = [line for line in self.static_lines() if line]
        title = self.title or type(self).__name__
        bundle["text/plain"] = "\n".join([f"{title} ({RUN_TO_USE})", *(f"  {line}" for line in lines)])
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        bundle["text/html"] = (
            f"<div class='lineage-form-static'><b>{escape(title)}</b> <i>({escape(RUN_TO_USE)})</i>"
            + (f"<ul>{items}</ul>" if items else "")
            + "</div>"
        )
        return bundle

    # -- status ---------------------------------------------------------
    @property
    def status(self) -> str:
        """The status line as plain text."""
        return self._status_text

    @property
    def status_level(self) -> str:
        """``info``, ``busy``, ``ok`` or ``error``."""
        return self._status_level

    def set_status(self, text: str, level: str = "info") -> None:
        """Show one line of text (escaped) in the status line."""
        text = " ".join(str(text).split())
        self._status_text, self._status_level = text, level
        colour = _COLOURS.get(level, _COLOURS["info"])
        self._status.value = (
            f'<span class="lineage-status-{escape(level)}" style="color:{colour}">{escape(text)}</span>'
        )

    def show_error(self, error: BaseException) -> None:
        """Put an error in the status line (one line, red), keep it in ``.error`` and log it.

        A LineageError's message is the whole story (logged as one line); anything else is a
        bug and is logged with its traceback."""
        self.error = error
        self.set_status(one_line(error), "error")
        if isinstance(error, LineageError):
            log.info("%s: %s", type(self).__name__, one_line(error))
        else:
            log.error("%s: %s", type(self).__name__, one_line(error), exc_info=error)

    # -- busy state and callbacks ----------------------------------------
    def buttons(self) -> list[w.Button]:
        """Every button in the form, including rows added later."""
        return [x for x in walk(self) if isinstance(x, w.Button)]

    @contextmanager
    def busy(self, message: str = "working…") -> Iterator[None]:
        """Disable every button while the block runs; restore them (and re-validate) after."""
        buttons = self.buttons()
        before = [b.disabled for b in buttons]
        for b in buttons:
            b.disabled = True
        self._busy = True
        self.set_status(message, "busy")
        try:
            yield
        finally:
            self._busy = False
            for b, was in zip(buttons, before, strict=True):
                b.disabled = was
            if self._status_level == "busy":  # the work said nothing more
                self.set_status("")
            self.refresh_state()

    def refresh_state(self) -> None:
        """Re-derive which buttons are enabled (subclasses override)."""

    def action(self, fn: Callable[..., Any], message: str = "working…") -> Callable[..., None]:
        """Wrap a button handler: runs busy, errors go to the status line; ignored while busy."""

        @functools.wraps(fn)
        def handler(*args: Any) -> None:
            if self._busy:
                return
            self.error = None
            try:
                with self.busy(message):
                    fn(*args)
            except Exception as exc:  # shown in the status line, kept and logged: never swallowed
                self.show_error(exc)

        return handler

    def guard(self, fn: Callable[..., Any]) -> Callable[..., None]:
        """Wrap an observer: an exception goes to the status line instead of vanishing."""

        @functools.wraps(fn)
        def handler(*args: Any) -> None:
            try:
                fn(*args)
            except Exception as exc:
                self.show_error(exc)

        return handler

    # -- results --------------------------------------------------------
    def register_callback(self, fn: Callable[[Any], Any]) -> None:
        """Call ``fn(value)`` each time the form produces a new value."""
        self._callbacks.append(fn)

    def _done(self, value: Any) -> None:
        for fn in self._callbacks:
            fn(value)
