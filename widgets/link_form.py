"""The link form: pick a source and a destination, link them; the source's links with unlink."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from lineage_magics.sagemaker import default_association_type

from . import rules
from .base import FormError, LineageForm, escape, set_enabled
from .picker import EntityPicker, load_entities

DEFAULT = ""  # the association-type option meaning "the default for the two kinds"


class LinkForm(LineageForm):
    """Link two existing entities.

    ``LinkForm(client, source=REF, destination=REF, type=None)``; ``.value`` is the last
    ``Association`` made. The source's current links are listed, each with Unlink.
    """

    title = "Link two lineage entities"

    def __init__(
        self,
        client: Any = None,
        source: Any = None,
        destination: Any = None,
        type: str | None = None,
        **kwargs,
    ) -> None:
        self.value: Any = None
        self.source = EntityPicker("Source", css="lineage-link-source")
        self.destination = EntityPicker("Destination", css="lineage-link-destination")
        self.type = w.Dropdown(
            options=[("(default for the two kinds)", DEFAULT), *[(t, t) for t in rules.association_types()]],
            value=DEFAULT,
            description="Type",
            style={"description_width": "initial"},
        )
        self.type.add_class("lineage-link-type")
        self.type_hint = w.HTML()
        self.link = w.Button(description="Link", button_style="primary", icon="link")
        self.link.add_class("lineage-link-button")
        self.why = w.HTML()  # why Link is disabled
        self.why.add_class("lineage-link-why")
        self._existing: dict[tuple[str, str], str | None] = {}  # the source's links: pair -> type
        self.link.on_click(self.action(lambda _b: self.submit(), "linking…"))
        self.reload = w.Button(description="Reload entities", icon="refresh")
        self.reload.add_class("lineage-link-reload")
        self.reload.on_click(self.action(lambda _b: self.load(), "loading…"))
        self.links_title = w.HTML()
        self.links = w.VBox()
        self.links.add_class("lineage-link-list")
        pickers = w.HBox(
            [self.source, self.destination],
            layout=w.Layout(width="100%", grid_gap="1em", justify_content="space-between"),
        )
        super().__init__(
            client,
            [
                pickers,
                w.HBox([self.type, self.type_hint]),
                w.HBox([self.link, self.reload, self.why], layout=w.Layout(align_items="center")),
                self.links_title,
                self.links,
            ],
            **kwargs,
        )
        self.add_class("lineage-link-form")
        self.source.observe_choice(self.guard(lambda _arn: self._source_changed()))
        self.destination.observe_choice(self.guard(lambda _arn: self._pair_changed()))
        self.type.observe(self.guard(lambda _c: self._pair_changed()), names="value")
        self.guard(self.load)()
        if type is not None:
            self.type.value = type
        if source is not None:
            self.guard(lambda: setattr(self.source, "value", self.client.resolve(source)))()
        if destination is not None:
            self.guard(lambda: setattr(self.destination, "value", self.client.resolve(destination)))()

    def load(self) -> None:
        """(Re)load the entities the pickers offer, and the source's links."""
        entities = load_entities(self.client)
        self.source.set_entities(entities)
        self.destination.set_entities(entities)
        self._source_changed()
        self.set_status(f"{len(entities)} entities", "info")

    # -- state ------------------------------------------------------------
    def chosen_type(self) -> str | None:
        """The association type Link will use (None: the default for the two kinds)."""
        return self.type.value or None

    def static_lines(self) -> list[str]:
        src, dst = self.source.entity, self.destination.entity
        return [
            f"Source: {self.source.name_of(src.arn) if src else '(choose)'}",
            f"Destination: {self.destination.name_of(dst.arn) if dst else '(choose)'}",
            f"Type: {self.chosen_type() or 'the default for the two kinds'}",
        ]

    def blocker(self) -> str | None:
        """Why Link cannot be pressed now, or None."""
        src, dst = self.source.value, self.destination.value
        if src is None or dst is None:
            return "choose a source and a destination"
        if src == dst:
            return "an entity cannot be linked to itself"
        if (src, dst) in self._existing:
            have = self._existing[(src, dst)] or "no type"
            chosen = self.chosen_type()
            if chosen is None or chosen == have:
                return f"already linked ({have})"
            return f"already linked as {have}: unlink it first to make it {chosen}"
        return None

    def _pair_changed(self) -> None:
        if self._status_level in ("ok", "error"):  # the last message was about another pair
            self.set_status("")
        src, dst = self.source.entity, self.destination.entity
        if self.type.value == DEFAULT and src is not None and dst is not None:
            self.type_hint.value = f"<small>→ {escape(default_association_type(src.kind, dst.kind))}</small>"
        else:
            self.type_hint.value = ""
        self.refresh_state()

    def refresh_state(self) -> None:
        if not self._busy:
            why = self.blocker()
            set_enabled(self.link, why is None, "primary", why or "")
            self.why.value = f"<small>{escape(why)}</small>" if why else ""

    def _source_changed(self) -> None:
        self._pair_changed()
        self.show_links()

    def show_links(self) -> None:
        """List the source's current links, each with an Unlink button."""
        src = self.source.entity
        if src is None:
            self.links_title.value = ""
            self.links.children = []
            self._existing = {}
            self.refresh_state()
            return
        found = self.client.associations(src.arn)
        self._existing = {(a.source_arn, a.destination_arn): a.type for a in found if a.source_arn == src.arn}
        self.refresh_state()
        name = src.name or src.source_uri
        self.links_title.value = f"<small>Links of <b>{escape(name)}</b>: {len(found)}</small>"
        self.links.children = [self._link_row(a) for a in found]

    def _link_row(self, a: Any) -> w.HBox:
        src = a.source_name or self.source.name_of(a.source_arn)
        dst = a.destination_name or self.source.name_of(a.destination_arn)
        text = w.HTML(f"{escape(src)} → {escape(dst)} <small>({escape(a.type or 'no type')})</small>")
        unlink = w.Button(
            description="Unlink", icon="unlink", button_style="warning", layout=w.Layout(width="8em")
        )
        unlink.add_class("lineage-unlink")
        unlink.on_click(self.action(lambda _b: self.unlink(a.source_arn, a.destination_arn), "unlinking…"))
        unlink.tooltip = (
            f"remove the link {a.source_name or a.source_arn} → {a.destination_name or a.destination_arn}"
        )
        row = w.HBox([unlink, text])
        row.add_class("lineage-link-row")
        return row

    # -- actions --------------------------------------------------------
    def submit(self) -> Any:
        """Link source → destination (what Link does); returns the Association."""
        src, dst = self.source.entity, self.destination.entity
        if src is None or dst is None:
            raise FormError("choose a source and a destination first")
        if src.arn == dst.arn:
            raise FormError("an entity cannot be linked to itself")
        self.show_links()  # what the store has now
        why = self.blocker()
        if why:
            names = f"{self.source.name_of(src.arn)} → {self.destination.name_of(dst.arn)}"
            raise FormError(f"{names} is {why}" if why.startswith("already") else why)
        assoc = self.client.associate(src.arn, dst.arn, self.chosen_type())
        self.value = assoc
        self.show_links()
        self.set_status(
            f"linked {src.name or src.source_uri} → {dst.name or dst.source_uri} ({assoc.type or 'no type'})",
            "ok",
        )
        self._done(assoc)
        return assoc

    def unlink(self, source_arn: str, destination_arn: str) -> None:
        """Remove one association and refresh the list."""
        self.client.disassociate(source_arn, destination_arn)
        self.show_links()
        name = self.source.name_of
        self.set_status(f"unlinked {name(source_arn)} → {name(destination_arn)}", "ok")
