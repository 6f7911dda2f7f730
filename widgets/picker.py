"""A searchable picker over existing entities: a filter box above a list of matches."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ipywidgets as w

from lineage_magics.text import visible

from .base import FormError

ENTITY_KINDS = ("contexts", "actions", "artifacts", "trial-components")
SHOWN = 500  # matches listed at most; the count says how many matched


def load_entities(client: Any, kinds: Iterable[str] = ENTITY_KINDS) -> list[Any]:
    """Every entity of these kinds (``client.list`` of each)."""
    found: list[Any] = []
    for kind in kinds:
        found.extend(client.list(kind))
    return found


def entity_label(entity: Any) -> str:
    """``kind · name · type`` (an artifact without a name shows its source URI)."""
    name = entity.name or entity.source_uri or entity.arn.rsplit("/", 1)[-1]
    return visible(f"{entity.kind} · {name} · {entity.type or '-'}")


def _haystack(entity: Any) -> str:
    return " ".join(
        str(x) for x in (entity.kind, entity.name, entity.type, entity.source_uri, entity.arn) if x
    )


class EntityPicker(w.VBox):
    """Type to filter (the first match is chosen), then choose; ``.value`` is the ARN or None."""

    def __init__(self, label: str, entities: list[Any] = (), *, css: str = "", rows: int = 6) -> None:
        self._entities: list[Any] = []
        self._by_arn: dict[str, Any] = {}
        self.filter = w.Text(
            description=label,
            placeholder="filter by name, type or URI",
            continuous_update=True,
            style={"description_width": "initial"},
            layout=w.Layout(width="100%", margin="2px 0"),
        )
        self.select = w.Select(options=[], rows=rows, layout=w.Layout(width="100%", margin="2px 0"))
        self.count = w.HTML()
        self.filter.observe(lambda _c: self._apply_filter(), names="value")
        super().__init__(
            children=[self.filter, self.select, self.count], layout=w.Layout(width="100%", margin="2px 0")
        )
        self.add_class("lineage-picker")
        if css:
            self.add_class(css)
        self.set_entities(entities)

    def set_entities(self, entities: Iterable[Any]) -> None:
        """Replace the entities offered, keeping the current choice when it is still there."""
        self._entities = list(entities)
        self._by_arn = {e.arn: e for e in self._entities}
        self._apply_filter()

    def _apply_filter(self) -> None:
        words = self.filter.value.lower().split()
        matches = [e for e in self._entities if all(wd in _haystack(e).lower() for wd in words)]
        keep = self.select.value
        options = [(entity_label(e), e.arn) for e in matches[:SHOWN]]
        self.select.options = options
        if keep is not None and any(arn == keep for _label, arn in options):
            self.select.value = keep
        elif words and options:  # typing a filter picks the first match
            self.select.value = options[0][1]
        else:
            self.select.value = None
        shown = len(options)
        total = len(self._entities)
        more = f" (showing {shown})" if shown < len(matches) else ""
        self.count.value = f"<small>{len(matches)} of {total} match{more}</small>"

    @property
    def value(self) -> str | None:
        """The chosen entity's ARN, or None."""
        return self.select.value

    @value.setter
    def value(self, arn: str | None) -> None:
        if arn is not None and arn not in self._by_arn:
            raise FormError(f"not among the entities offered: {arn}")
        if arn is not None and arn not in {a for _l, a in self.select.options}:
            self.filter.value = ""
        self.select.value = arn

    def name_of(self, arn: str) -> str:
        """A short name for an ARN: the entity's name or source URI, else the ARN's tail."""
        e = self._by_arn.get(arn)
        return (e.name or e.source_uri) if e is not None else arn.rsplit("/", 1)[-1]

    def offers(self, arn: str) -> bool:
        """Whether ``arn`` is among the entities offered."""
        return arn in self._by_arn

    @property
    def entity(self) -> Any | None:
        """The chosen Entity, or None."""
        return self._by_arn.get(self.select.value) if self.select.value else None

    def observe_choice(self, fn) -> None:
        """Call ``fn(arn)`` when the choice changes."""
        self.select.observe(lambda c: fn(c["new"]), names="value")
