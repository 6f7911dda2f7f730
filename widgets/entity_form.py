"""The create-an-entity form: context, action or artifact, validated as you type."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from lineage_magics.errors import NotFoundError, ServiceError

from . import rules
from .base import FormError, LineageForm, escape, labelled, set_enabled

KINDS = ("context", "action", "artifact")
MAX_PROPERTIES = 30


def a(noun: str) -> str:
    """``a context``, ``an action``."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _wide() -> dict[str, Any]:
    """Label width and field width shared by the form's inputs (a new Layout each time)."""
    return {"style": {"description_width": "8em"}, "layout": w.Layout(width="36em")}


class PropertyRows(w.VBox):
    """Key/value rows with add and remove (at most 30, SageMaker's limit)."""

    def __init__(self, on_change, guard) -> None:
        self._on_change = on_change
        self._guard = guard
        self.rows = w.VBox()
        self.add = w.Button(description="Add property", icon="plus", layout=w.Layout(width="10em"))
        self.add.add_class("lineage-prop-add")
        self.add.on_click(guard(lambda _b: self.add_row()))
        super().__init__(children=[self.rows, self.add])

    def add_row(self, key: str = "", value: str = "") -> None:
        """Append a row (refused beyond the limit)."""
        if len(self.rows.children) >= MAX_PROPERTIES:
            raise FormError(f"at most {MAX_PROPERTIES} properties")
        k = w.Text(value=key, placeholder="key", layout=w.Layout(width="14em"))
        v = w.Text(value=value, placeholder="value", layout=w.Layout(width="20em"))
        remove = w.Button(icon="trash", tooltip="remove this property", layout=w.Layout(width="3em"))
        row = w.HBox([k, v, remove], layout=w.Layout(margin="0 0 2px 0"))
        row.add_class("lineage-prop-row")
        remove.on_click(self._guard(lambda _b: self.remove_row(row)))
        for t in (k, v):
            t.observe(lambda _c: self._on_change(), names="value")
        self.rows.children = [*self.rows.children, row]
        self._on_change()

    def remove_row(self, row: w.HBox) -> None:
        self.rows.children = [r for r in self.rows.children if r is not row]
        self._on_change()

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(key, value) of every row that is not blank."""
        out = []
        for row in self.rows.children:
            key, value = row.children[0].value, row.children[1].value
            if key.strip() or value.strip():
                out.append((key.strip(), value))
        return out

    def problem(self, kind: str) -> str | None:
        """Why the rows cannot be sent as a ``kind``'s properties, or None."""
        key_max, value_max = rules.property_limits(kind)
        seen: set[str] = set()
        for key, value in self.pairs:
            if not key:
                return f"a property has a value ({value[:20]!r}) but no key"
            if key in seen:
                return f"property {key!r} appears twice"
            if len(key) > key_max:
                return f"property {key[:20]!r}…: keys hold at most {key_max} characters"
            if len(value) > value_max:
                return f"property {key!r}: values hold at most {value_max} characters"
            seen.add(key)
        return None


class EntityForm(LineageForm):
    """Create a context, action or artifact.

    ``EntityForm(client, kind="artifact")``; fill it and click Create. ``.value`` is the
    created ``Entity`` (None before); the form then offers to explore it.
    """

    title = "Create a lineage entity"

    def __init__(self, client: Any = None, kind: str = "context", **kwargs: Any) -> None:
        if kind not in KINDS:
            raise FormError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        self.value: Any = None
        self.kind = w.ToggleButtons(options=list(KINDS), value=kind, style={"button_width": "7em"})
        self.kind.add_class("lineage-entity-kind")
        self.name = w.Text(
            description="Name", placeholder="letters, digits and '-'", continuous_update=True, **_wide()
        )
        self.name.add_class("lineage-entity-name")
        self.name_hint = w.HTML()
        self.name_hint.add_class("lineage-name-hint")
        self.type = w.Combobox(
            description="Type",
            placeholder="e.g. DataSet, Model",
            ensure_option=False,
            continuous_update=True,
            **_wide(),
        )
        self.type.add_class("lineage-entity-type")
        self.source_uri = w.Text(description="Source URI", continuous_update=True, **_wide())
        self.source_uri.add_class("lineage-entity-uri")
        self.action_status = w.Dropdown(
            options=rules.action_statuses(), value="Completed", description="Status", **_wide()
        )
        self.action_status.add_class("lineage-entity-status")
        self.description = w.Text(description="Description", **_wide())
        self.description.add_class("lineage-entity-description")
        self.properties = PropertyRows(self._changed, self.guard)
        self.create = w.Button(description="Create", button_style="primary", icon="check")
        self.create.add_class("lineage-entity-create")
        self.why = w.HTML()  # why Create is disabled
        self.why.add_class("lineage-entity-why")
        self._taken: tuple[str, str] | None = None  # (kind, name or URI) the store already has
        self.create.on_click(self.action(lambda _b: self.submit(), "creating…"))
        self.result = w.VBox(layout=w.Layout(margin="0.5em 0 0 8em"))
        self.result.add_class("lineage-entity-result")
        self._used_types: dict[str, list[str]] = {}
        name_row = w.HBox(
            [self.name, self.name_hint], layout=w.Layout(align_items="center", grid_gap="0.5em")
        )
        fields = [
            labelled("Kind", self.kind),
            name_row,
            self.type,
            self.source_uri,
            self.action_status,
            self.description,
            labelled("Properties", self.properties, align="flex-start"),
            labelled(
                "", w.HBox([self.create, self.why], layout=w.Layout(align_items="center", grid_gap="0.5em"))
            ),
            self.result,
        ]
        super().__init__(client, fields, **kwargs)
        self.add_class("lineage-entity-form")
        self.kind.observe(self.guard(lambda _c: self._kind_changed()), names="value")
        for t in (self.name, self.type, self.source_uri):
            t.observe(self.guard(lambda _c: self._changed()), names="value")
        self.guard(self._kind_changed)()

    # -- validation -----------------------------------------------------
    def problems(self) -> list[str]:
        """Everything that stops Create, in form order (empty when the form can be sent)."""
        kind, found = self.kind.value, []
        name = self.name.value
        if kind != "artifact" or name:
            problem = rules.name_problem(kind, name)
            if problem:
                found.append(f"name: {problem}")
        if self._taken is not None and self._taken == self._identity():
            what = "source URI" if kind == "artifact" else "name"
            found.append(f"{what}: {a(kind)} with this {what} already exists")
        if not self.type.value.strip():
            found.append("type: required")
        elif len(self.type.value) > 256:
            found.append("type: at most 256 characters")
        uri = self.source_uri.value.strip()
        if kind == "artifact" and not uri:
            found.append("source URI: required for an artifact")
        elif len(uri) > rules.max_length("CreateArtifact", "Source.SourceUri"):
            found.append("source URI: at most 2048 characters")
        prop = self.properties.problem(kind)
        if prop:
            found.append(prop)
        return found

    def static_lines(self) -> list[str]:
        kind = self.kind.value
        fields = ["name" + (" (optional)" if kind == "artifact" else ""), "type"]
        fields.append("source URI" if kind == "artifact" else "source URI (optional)")
        fields += ["status"] if kind == "action" else []
        fields += ["description"] if kind != "artifact" else []
        return [
            f"Kind: {kind} (or {', '.join(k for k in KINDS if k != kind)})",
            f"Fields: {', '.join(fields)}, properties; then Create",
            *super().static_lines(),
        ]

    def _identity(self) -> tuple[str, str]:
        """What makes the entity unique: (kind, name), or for an artifact (kind, source URI)."""
        kind = self.kind.value
        return (kind, self.source_uri.value.strip() if kind == "artifact" else self.name.value)

    def _changed(self) -> None:
        kind, name = self.kind.value, self.name.value
        if self._status_level in ("ok", "error"):  # the last message was about other input
            self.set_status("")
        problem = rules.name_problem(kind, name) if (name or kind != "artifact") else None
        if kind != "artifact" and name and self._taken == self._identity():
            self.name_hint.value = (
                f'<span style="color:#c62828">✗ {escape(a(kind))} with this name exists</span>'
            )
        elif name and problem:
            self.name_hint.value = f'<span style="color:#c62828">✗ {escape(problem)}</span>'
        elif name:
            self.name_hint.value = '<span style="color:#1a7f37">✓ valid name</span>'
        else:
            self.name_hint.value = "<small>optional for artifacts</small>" if kind == "artifact" else ""
        self.refresh_state()

    def refresh_state(self) -> None:
        if not self._busy:
            problems = self.problems()
            set_enabled(self.create, not problems, "primary", "; ".join(problems))
            self.why.value = f"<small>Create needs: {escape('; '.join(problems))}</small>" if problems else ""
            self.properties.add.disabled = len(self.properties.rows.children) >= MAX_PROPERTIES

    def _kind_changed(self) -> None:
        kind = self.kind.value
        self.action_status.layout.display = None if kind == "action" else "none"
        self.description.layout.display = "none" if kind == "artifact" else None
        self.name.placeholder = (
            "letters, digits, '-' and '_'" if kind == "context" else "letters, digits and '-'"
        ) + (" (optional)" if kind == "artifact" else "")
        self.source_uri.placeholder = "s3://bucket/key (required)" if kind == "artifact" else "optional"
        self.type.options = self._types_in_use(kind)
        self._changed()

    def _types_in_use(self, kind: str) -> list[str]:
        if kind not in self._used_types:
            types = {e.type for e in self.client.list(kind + "s") if e.type}
            self._used_types[kind] = sorted(types, key=str.lower)
        return self._used_types[kind]

    # -- submit ---------------------------------------------------------
    def submit(self) -> Any:
        """Create the entity (what Create does); returns it, or raises why it could not."""
        problems = self.problems()
        if problems:
            raise FormError("cannot create: " + "; ".join(problems))
        kind, name, type_ = self.kind.value, self.name.value, self.type.value.strip()
        uri = self.source_uri.value.strip() or None
        props = dict(self.properties.pairs) or None
        description = self.description.value.strip() or None
        c = self.client
        self.result.children = []  # the last success card is not about this entity
        self._refuse_existing(kind, name, uri)
        try:
            if kind == "context":
                entity = c.create_context(name, type_, uri, description=description, properties=props)
            elif kind == "action":
                entity = c.create_action(
                    name, type_, uri, status=self.action_status.value, description=description,
                    properties=props,
                )  # fmt: skip
            else:
                entity = c.create_artifact(uri, type_, name or None, properties=props)
        except ServiceError as exc:
            if "already exists" not in str(exc):
                raise
            self._refuse_existing(kind, name, uri, found=True)
        self.value = entity
        self._used_types.pop(kind, None)
        self.type.options = self._types_in_use(kind)
        self._show_result(entity)
        self.set_status(f"created {kind} {entity.name or entity.source_uri}", "ok")
        self._done(entity)
        return entity

    def _refuse_existing(self, kind: str, name: str, uri: str | None, found: bool = False) -> None:
        """Raise a FormError (and mark the field) when the store already has this entity."""
        if not found:
            try:
                found = (
                    self.client.find_artifact(uri) is not None
                    if kind == "artifact"
                    else bool(self.client.get(name, kind))
                )
            except NotFoundError:
                found = False
        if not found:
            return
        self._taken = self._identity()
        self._changed()
        what = f"source URI {uri}" if kind == "artifact" else f"name {name}"
        raise FormError(f"{a(kind)} with the {what} already exists: change it and Create again")

    def _show_result(self, entity: Any) -> None:
        summary = w.HTML(
            f"<code>{escape(entity.kind)}</code> <b>{escape(entity.name or entity.source_uri)}</b> "
            f"({escape(entity.type)})<br><small>{escape(entity.arn)}</small>"
        )
        explore = w.Button(description="Explore it", icon="sitemap")
        explore.add_class("lineage-entity-explore")
        explore.on_click(self.action(lambda _b: self.explore(entity), "tracing…"))
        self.result.children = [summary, explore]

    def explore(self, entity: Any = None) -> Any:
        """Open an ExploreForm on the created entity below this form; returns it."""
        from .explorer import ExploreForm

        entity = entity or self.value
        form = ExploreForm(self.client, start=entity.arn)
        self.result.children = [*self.result.children[:1], form]
        self.set_status(f"exploring {entity.name or entity.source_uri} below", "info")
        return form
