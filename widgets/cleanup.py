"""The clean-up form: pick a context, preview what goes and what stays, confirm, delete with progress."""

from __future__ import annotations

from collections import Counter
from typing import Any

import ipywidgets as w

from lineage_magics.sagemaker import name_of_arn
from lineage_magics.text import visible

from .base import FormError, LineageForm, escape, set_enabled

LISTED = 200  # items listed at most in a preview (the counts cover everything)
FOLDED = 12  # a longer list starts folded (its count shows)
NONE = ""  # the picker's value when no context is chosen
CONFIRM = "I understand: Delete removes what is listed above"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 entity``, ``2 entities``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _entity_text(entity: Any) -> str:
    return f"{entity.kind} {entity.label} ({entity.type or '-'})"


def _assoc_text(a: Any) -> str:
    src = a.source_name or name_of_arn(a.source_arn)
    dst = a.destination_name or name_of_arn(a.destination_arn)
    return f"{src} → {dst} ({a.type or 'no type'})"


def plan_summary(plan: Any) -> str:
    """``4 entities (1 action, 2 artifacts, 1 context) and 5 associations`` (+ memberships, kept)."""
    by_kind = Counter(e.kind for e in plan.entities)
    kinds = ", ".join(plural(n, k) for k, n in sorted(by_kind.items()))
    text = plural(len(plan.entities), "entity", "entities") + (f" ({kinds})" if kinds else "")
    text += f" and {plural(len(plan.associations), 'association')}"
    if plan.memberships:
        text += f", {plural(len(plan.memberships), 'trial membership')}"
    if plan.kept:
        text += f"; keeps {len(plan.kept)} shared"
    return text


def _identity(plan: Any) -> tuple[set, set]:
    """What a plan deletes, as comparable sets (entity ARNs, association pairs)."""
    return {e.arn for e in plan.entities}, {(a.source_arn, a.destination_arn) for a in plan.associations}


def _section(title: str, lines: list[str], open_: bool) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in lines[:LISTED])
    more = f"<li>… and {len(lines) - LISTED} more</li>" if len(lines) > LISTED else ""
    return (
        f"<details{' open' if open_ else ''}><summary><b>{escape(title)}</b> ({len(lines)})</summary>"
        f"<ul style='margin:0'>{items}{more}</ul></details>"
    )


def plan_html(plan: Any) -> str:
    """The plan as escaped HTML: a summary line, then what stays and why (first, so it is seen),
    then what goes; long lists start folded (at most LISTED lines each)."""
    parts = [f"<p style='margin:0 0 4px 0'>Delete would remove {escape(plan_summary(plan))}.</p>"]
    if plan.kept:
        parts.append(_section("Kept", [f"{_entity_text(e)}: {why}" for e, why in plan.kept], True))
    lists = [
        ("Entities deleted", [_entity_text(e) for e in plan.entities]),
        ("Associations deleted", [_assoc_text(a) for a in plan.associations]),
    ]
    if plan.memberships:
        lists.append(("Trial memberships removed", [f"{tc} in {trial}" for tc, trial in plan.memberships]))
    parts.extend(_section(title, lines, len(lines) <= FOLDED) for title, lines in lists)
    return "<div class='lineage-cleanup-plan'>" + "".join(parts) + "</div>"


class CleanupForm(LineageForm):
    """Delete a context, the members nothing else uses, and all their links.

    ``CleanupForm(client, context=REF)``. Preview changes nothing and lists what Delete would
    remove (and what it keeps, and why); Delete needs the confirm box ticked and drives the
    progress bar. ``.value`` is the last ``CleanupReport`` (or the plan, after a preview).
    """

    title = "Clean up a context"

    def __init__(self, client: Any = None, context: Any = None, **kwargs: Any) -> None:
        self.value: Any = None
        self.plan: Any = None
        self._names: dict[str, str] = {}
        self.context = w.Dropdown(options=[], description="Context", layout=w.Layout(width="36em"))
        self.context.add_class("lineage-cleanup-context")
        self.reload = w.Button(description="Reload", icon="refresh", layout=w.Layout(width="8em"))
        self.reload.on_click(self.action(lambda _b: self.load(), "loading…"))
        self.preview_button = w.Button(description="Preview", icon="eye")
        self.preview_button.add_class("lineage-cleanup-preview")
        self.preview_button.on_click(self.action(lambda _b: self.preview(), "planning…"))
        self.confirm = w.Checkbox(
            value=False, description=CONFIRM, indent=False, layout=w.Layout(width="auto")
        )
        self.confirm.add_class("lineage-cleanup-confirm")
        self.delete_button = w.Button(description="Delete", icon="trash")
        self.delete_button.add_class("lineage-cleanup-delete")
        self.delete_button.on_click(self.action(lambda _b: self.delete(), "deleting…"))
        self.progress = w.IntProgress(value=0, min=0, max=1, description="", bar_style="info")
        self.progress.add_class("lineage-cleanup-progress")
        self.progress.layout.display = "none"  # shown once a delete starts
        self.details = w.HTML()
        self.details.add_class("lineage-cleanup-details")
        super().__init__(
            client,
            [
                w.HBox([self.context, self.reload]),
                self.preview_button,
                self.details,
                w.HBox([self.confirm, self.delete_button], layout=w.Layout(align_items="center")),
                self.progress,
            ],
            **kwargs,
        )
        self.add_class("lineage-cleanup-form")
        self.context.observe(self.guard(lambda _c: self._context_changed()), names="value")
        self.confirm.observe(lambda _c: self.refresh_state(), names="value")
        self.guard(self.load)()
        if context is not None:
            self.guard(lambda: setattr(self.context, "value", self.client.resolve(context, kind="context")))()
        self.refresh_state()

    def static_lines(self) -> list[str]:
        chosen = self._names.get(self.context.value)
        return [
            f"Context: {chosen}" if chosen else "Context: (choose one)",
            "Preview lists what Delete would remove and what it keeps; Delete needs the confirm box",
        ]

    def load(self) -> None:
        """(Re)load the contexts offered; nothing is chosen unless the current choice is still there."""
        keep = self.context.value
        contexts = self.client.list("contexts")
        self._names = {c.arn: visible(f"{c.name} ({c.type or '-'})") for c in contexts}
        prompt = "(choose a context)" if contexts else "(no contexts in this store)"
        self.context.options = [(prompt, NONE), *((label, arn) for arn, label in self._names.items())]
        self.context.value = keep if keep in self._names else NONE
        self.set_status(f"{plural(len(contexts), 'context')} in this store", "info")

    def refresh_state(self) -> None:
        if not self._busy:
            chosen = bool(self.context.value)
            set_enabled(self.preview_button, chosen, "info", "choose a context first")
            self.confirm.disabled = self.plan is None
            ready = chosen and self.plan is not None and self.confirm.value
            why = "preview first" if self.plan is None else "tick the confirm box first"
            set_enabled(self.delete_button, ready, "danger", why)

    def _context_changed(self) -> None:
        self.plan = None
        self.details.value = ""
        self.confirm.value = False
        self.refresh_state()

    def _chosen(self) -> str:
        if not self.context.value:
            raise FormError("choose a context first")
        return self.context.value

    # -- actions --------------------------------------------------------
    def preview(self) -> Any:
        """Show exactly what Delete would remove and what it keeps (nothing changes); returns the plan."""
        plan = self.client.plan_cleanup(self._chosen())
        self._show_plan(plan, "would delete")
        return plan

    def _show_plan(self, plan: Any, verb: str) -> None:
        self.plan = self.value = plan
        self.details.value = plan_html(plan)
        self.set_status(f"{verb} {plan_summary(plan)}", "info")
        self.refresh_state()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.max = max(total, 1)
        self.progress.value = min(done, self.progress.max)
        self.progress.description = f"{done}/{total}"

    def delete(self) -> Any:
        """Delete what the preview listed (needs the confirm box); returns the report.

        Refused, with the new list shown, when the clean-up set changed since the preview."""
        arn = self._chosen()
        if self.plan is None:
            raise FormError("preview first: Delete removes exactly what the preview lists")
        if not self.confirm.value:
            raise FormError("tick the confirm box first: Delete removes everything the preview lists")
        now = self.client.plan_cleanup(arn)
        if _identity(now) != _identity(self.plan):
            self._show_plan(now, "the store changed since the preview; now it would delete")
            self.confirm.value = False
            raise FormError("the store changed since the preview: check the new list and confirm again")
        name = name_of_arn(arn)
        self.progress.value, self.progress.max, self.progress.description = 0, 1, ""
        self.progress.bar_style = "info"
        self.progress.layout.display = None
        report = self.client.cleanup(arn, on_progress=self._on_progress)
        self.value = report
        errors = list(getattr(report, "errors", []) or [])
        ents, assocs = len(report.deleted_entities), len(report.deleted_associations)
        self.progress.bar_style = "danger" if errors else "success"
        summary = f"deleted {name}: {plural(ents, 'entity', 'entities')} and {plural(assocs, 'association')}"
        self.load()  # the context is gone: nothing is chosen, the preview and the confirmation clear
        if errors:
            listing = "".join(f"<li>{escape(e)}</li>" for e in errors[:LISTED])
            self.details.value = f"<b>{plural(len(errors), 'error')}</b><ul>{listing}</ul>"
            self.set_status(f"{summary}; {len(errors)} failed: {errors[0]}", "error")
        else:
            self.set_status(summary, "ok")
        self._done(report)
        return report
