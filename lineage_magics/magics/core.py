"""LineageMagics: the %lineage / %%lineage router, its settings, the client and error handling."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, output_can_be_silenced
from traitlets import Bool, Float, Int, TraitError, Unicode, observe, validate
from traitlets.config import Configurable

from ..api import FRESH_FOR
from ..connect import check_url, effective_url
from ..errors import LineageError, map_error
from ..text import did_you_mean
from .parsing import split_args
from .registry import CELL_VERBS, VERB_NAMES, Result, full_help, get_verb, overview
from .session import DEFAULT_DEPTH, DISPLAYLIMIT, MAX_VERTICES, open_client

_UNSET = object()


@magics_class
class LineageMagics(Magics, Configurable):
    """``%lineage VERB ...`` and ``%%lineage context|track ...``; settings in ``%config LineageMagics``."""

    url = Unicode(
        "",
        help="Backend URL: memory://, sqlite:///PATH.db, sagemaker://[REGION][?profile=P] or http://HOST:PORT. "
        "Empty: $LINEAGE_MAGICS_URL, else sqlite:///~/.lineage_magics/lineage.db.",
    ).tag(config=True)
    default_depth = Int(DEFAULT_DEPTH, help="Hops a trace follows when --depth is not given (1 to 100).").tag(
        config=True
    )
    max_vertices = Int(MAX_VERTICES, help="Vertex cap of traces and graphs when --max is not given.").tag(
        config=True
    )
    displaylimit = Int(
        DISPLAYLIMIT, help="Rows fetched and shown by %lineage list when --limit is not given (0: no limit)."
    ).tag(config=True)
    short_errors = Bool(True, help="Show errors as one line; False shows the full traceback.").tag(
        config=True
    )
    progress = Bool(True, help="Show progress bars for long deletes, clean-ups and copies.").tag(config=True)
    full_size_graphs = Bool(
        False,
        help="Draw graphs left to right at their natural size; False fits a wide graph to the output "
        "width (top to bottom when that is narrower).",
    ).tag(config=True)

    fresh_for = Float(
        FRESH_FOR,
        help="Seconds the names and properties of artifacts read from SageMaker (or over HTTP) are "
        "trusted before a trace checks them again by LastModifiedTime (0: check every time).",
    ).tag(config=True)

    _client = (
        None  # the LineageClient, built on first use (class default: observers may fire during __init__)
    )
    _user_exception: BaseException | None = None

    # -- settings ----------------------------------------------------------
    @validate("url")
    def _check_url(self, proposal):
        value = proposal["value"].strip()
        if not value:
            return ""
        try:
            return check_url(value)
        except ValueError as exc:
            raise TraitError(f"LineageMagics.url: {exc}") from None

    @validate("default_depth")
    def _check_depth(self, proposal):
        value = proposal["value"]
        if not 1 <= value <= 100:
            raise TraitError(f"LineageMagics.default_depth must be between 1 and 100, not {value}")
        return value

    @validate("max_vertices")
    def _check_max(self, proposal):
        value = proposal["value"]
        if value < 1:
            raise TraitError(f"LineageMagics.max_vertices must be at least 1, not {value}")
        return value

    @validate("displaylimit")
    def _check_displaylimit(self, proposal):
        value = proposal["value"]
        if value < 0:
            raise TraitError(f"LineageMagics.displaylimit must be 0 (no limit) or more, not {value}")
        return value

    @validate("fresh_for")
    def _check_fresh_for(self, proposal):
        value = proposal["value"]
        if not value >= 0:
            raise TraitError(f"LineageMagics.fresh_for must be 0 or more seconds, not {value}")
        return value

    @observe("fresh_for")
    def _fresh_for_changed(self, change) -> None:
        if self._client is not None:
            self._client.fresh_for = change["new"]

    @observe("url")
    def _url_changed(self, change) -> None:
        self._client = None

    @observe("full_size_graphs")
    def _full_size_changed(self, change) -> None:
        from ..render.mimebundle import SETTINGS

        SETTINGS.full_size = change["new"]

    @observe("progress")
    def _progress_changed(self, change) -> None:
        if self._client is not None:  # the same client: its URL, workers and pending clean-ups stay
            self._client.progress = change["new"]

    # -- the client ----------------------------------------------------------
    @property
    def current_url(self) -> str:
        """The URL the client uses (or will use)."""
        return effective_url(self.url)

    @property
    def client(self):
        """The LineageClient of this shell, built on first use from ``url``."""
        if self._client is None:
            self._client = self._make_client(self.current_url)
        return self._client

    def _make_client(self, url: str):
        """A LineageClient on ``url``; a store that cannot be opened is a one-line LineageError."""
        return open_client(url, progress=self.progress, fresh_for=self.fresh_for)

    def use(self, url: str):
        """Switch to another backend URL; returns the new client."""
        try:
            url = check_url(url)
        except ValueError as exc:
            raise UsageError(f"%lineage use: {exc}") from None
        client = self._make_client(url)
        self.url = url
        self._client = client
        return client

    # -- results -------------------------------------------------------------
    def deliver(self, args, shown: Any, value: Any = _UNSET) -> Any:
        """Return ``shown`` for display, or with ``-o NAME`` store ``value`` (default ``shown``) and show nothing."""
        var = getattr(args, "var", None)
        if var:
            self.shell.user_ns[var] = shown if value is _UNSET else value
            return None
        return shown

    # -- the magic -----------------------------------------------------------
    @output_can_be_silenced
    @line_cell_magic
    def lineage(self, line: str = "", cell: str | None = None):
        with self._errors():
            return self._dispatch(line, cell)

    def _dispatch(self, line: str, cell: str | None):
        line = line.strip()
        if cell is None and line.endswith(";"):
            line = line[:-1].rstrip()
        tokens = split_args(line)
        if not tokens or tokens[0] in ("help", "-h", "--help"):
            print(self._verb(tokens[1]).help() if len(tokens) > 1 else overview())
            return None
        verb = self._verb(tokens[0])
        if any(t in ("-h", "--help") for t in tokens[1:]):
            print(verb.help())
            return None
        if cell is None and verb.cell:
            raise UsageError(
                f"{verb.name} is a cell verb: write `%%lineage {verb.name} ...` on a cell's first line"
            )
        if cell is not None and not verb.cell:
            raise UsageError(
                f"{verb.name} is a line verb: write `%lineage {verb.name} ...`; "
                f"%%lineage takes {' or '.join(CELL_VERBS)}"
            )
        args = verb.parser.parse(tokens[1:])
        return self.show(verb, args, verb.run(self, args, cell))

    def show(self, verb, args, result: Any) -> Any:
        """What the cell shows of a verb's Result (``-o NAME``: stored instead); a failed check raises."""
        if not isinstance(result, Result):  # a notebook-only verb returns what it shows
            return result
        if result.problem:
            raise LineageError(result.problem)
        if verb.display is not None:
            result = verb.display(self, args, result)
        return self.deliver(args, result.shown, result.value)

    def _verb(self, name: str):
        if name not in VERB_NAMES:
            raise UsageError(
                f"%lineage has no verb {name!r}{did_you_mean(name, VERB_NAMES)}. "
                f"Valid verbs are: {', '.join(VERB_NAMES)}"
            )
        return get_verb(name)

    @contextmanager
    def _errors(self):
        """Service, lookup and botocore errors leave as one-line LineageErrors (full traceback if asked)."""
        self._user_exception = None
        try:
            yield
        except UsageError:
            raise
        except BaseException as exc:
            if exc is self._user_exception:
                raise
            mapped = map_error(exc)
            if mapped is not None:
                self._shape(mapped)
                raise mapped from exc
            if isinstance(exc, LineageError):
                self._shape(exc)
            raise
        finally:
            self._user_exception = None

    def _shape(self, exc: LineageError) -> None:
        if not self.short_errors and self.shell is not None:
            shell = self.shell

            def full_traceback() -> list[str]:
                return shell.InteractiveTB.structured_traceback(type(exc), exc, exc.__traceback__)

            exc._render_traceback_ = full_traceback  # type: ignore[method-assign]

    def mark_user_exception(self, exc: BaseException) -> None:
        """``exc`` comes from the user's code (``track``): it passes through unchanged."""
        self._user_exception = exc


LineageMagics.lineage.__doc__ = full_help()


def loaded_instance(shell) -> LineageMagics | None:
    """The LineageMagics registered in ``shell``, or None."""
    if shell is None:
        return None
    return dict.get(shell.magics_manager.registry, LineageMagics.__name__)


__all__ = ["LineageMagics", "loaded_instance"]
