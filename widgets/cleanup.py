"""The clean-up form: pick a context, preview what goes, dry run, confirm, delete with progress."""

from __future__ import annotations

from collections import Counter
from typing import Any

import ipywidgets as w

from lineage_magics.sagemaker import name_of_arn
from lineage_magics.text import visible

from .base import FormError, LineageForm, escape

LISTED = 200  # items listed at most in a preview (the counts cover everything)


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


def _section(title: str, lines: list[str]) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in lines[:LISTED])
    more = f"<li>… and {len(lines) - LISTED} more</li>" if len(lines) > LISTED else ""
    return f"<b>{escape(title)}</b> ({len(lines)})<ul style='margin:0'>{items}{more}</ul>"


def plan_html(plan: Any) -> str:
    """The plan as escaped HTML lists (at most LISTED lines each): what goes, and what stays and why."""
    parts = [
        _section("Entities deleted", [_entity_text(e) for e in plan.entities]),
        _section("Associations deleted", [_assoc_text(a) for a in plan.associations]),
    ]
    if plan.memberships:
        parts.append(
            _section("Trial memberships removed", [f"{tc} in {trial}" for tc, trial in plan.memberships])
        )
    if plan.kept:
        parts.append(_section("Kept", [f"{_entity_text(e)}: {why}" for e, why in plan.kept]))
    return "<div style='max-height:20em;overflow:auto'>" + "".join(parts) + "</div>"


class CleanupForm(LineageForm):
    """Delete a context, the members nothing else uses, and all their links.

    ``CleanupForm(client, context=REF)``. Preview and Dry run change nothing; Delete needs
    the confirm box ticked and drives the progress bar. ``.value`` is the last
    ``CleanupReport`` (or the plan, after a preview or dry run).
    """

    title = "Clean up a context"

    def __init__(self, client: Any = None, context: Any = None, **kwargs: Any) -> None:
        self.value: Any = None
        self.plan: Any = None
        self.context = w.Dropdown(options=[], description="Context", layout=w.Layout(width="36em"))
        self.context.add_class("lineage-cleanup-context")
        self.reload = w.Button(description="Reload", icon="refresh", layout=w.Layout(width="8em"))
        self.reload.on_click(self.action(lambda _b: self.load(), "loading…"))
        self.preview_button = w.Button(description="Preview", icon="eye")
        self.preview_button.add_class("lineage-cleanup-preview")
        self.preview_button.on_click(self.action(lambda _b: self.preview(), "planning…"))
        self.dry_run_button = w.Button(description="Dry run", icon="flask")
        self.dry_run_button.add_class("lineage-cleanup-dry-run")
        self.dry_run_button.on_click(self.action(lambda _b: self.dry_run(), "dry run…"))
        self.confirm = w.Checkbox(
            value=False, description="I understand: delete everything listed", indent=False
        )
        self.confirm.add_class("lineage-cleanup-confirm")
        self.delete_button = w.Button(description="Delete", button_style="danger", icon="trash")
        self.delete_button.add_class("lineage-cleanup-delete")
        self.delete_button.on_click(self.action(lambda _b: self.delete(), "deleting…"))
        self.progress = w.IntProgress(value=0, min=0, max=1, description="", bar_style="info")
        self.progress.add_class("lineage-cleanup-progress")
        self.details = w.HTML()
        self.details.add_class("lineage-cleanup-details")
        super().__init__(
            client,
            [
                w.HBox([self.context, self.reload]),
                w.HBox([self.preview_button, self.dry_run_button]),
                self.details,
                w.HBox([self.confirm, self.delete_button]),
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

    def load(self) -> None:
        """(Re)load the contexts offered."""
        keep = self.context.value
        contexts = self.client.list("contexts")
        options = [(visible(f"{c.name} ({c.type or '-'})"), c.arn) for c in contexts]
        self.context.options = options
        if keep in {arn for _l, arn in options}:
            self.context.value = keep
        elif options:
            self.context.value = options[0][1]
        self.set_status(f"{len(options)} contexts", "info")

    def refresh_state(self) -> None:
        if not self._busy:
            chosen = self.context.value is not None
            self.preview_button.disabled = self.dry_run_button.disabled = not chosen
            self.confirm.disabled = self.plan is None
            self.delete_button.disabled = not (chosen and self.plan is not None and self.confirm.value)

    def _context_changed(self) -> None:
        self.plan = None
        self.details.value = ""
        self.confirm.value = False
        self.refresh_state()

    def _chosen(self) -> str:
        if self.context.value is None:
            raise FormError("choose a context first")
        return self.context.value

    # -- actions --------------------------------------------------------
    def preview(self) -> Any:
        """Show exactly what Delete would remove (nothing changes); returns the plan."""
        plan = self.client.plan_cleanup(self._chosen())
        self._show_plan(plan, "would delete")
        return plan

    def dry_run(self) -> Any:
        """Run the clean-up in dry-run mode (nothing changes); returns the plan."""
        plan = self.client.cleanup(self._chosen(), dry_run=True)
        self._show_plan(plan, "dry run: nothing deleted; a clean-up would delete")
        return plan

    def _show_plan(self, plan: Any, verb: str) -> None:
        self.plan = self.value = plan
        self.details.value = plan_html(plan)
        self.confirm.description = f"I understand: delete {plan_summary(plan)}"
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
        self.progress.value, self.progress.max, self.progress.description = 0, 1, ""
        self.progress.bar_style = "info"
        report = self.client.cleanup(arn, on_progress=self._on_progress)
        self.value = report
        errors = list(getattr(report, "errors", []) or [])
        ents, assocs = len(report.deleted_entities), len(report.deleted_associations)
        self.progress.bar_style = "danger" if errors else "success"
        listing = "".join(f"<li>{escape(e)}</li>" for e in errors[:LISTED])
        summary = f"deleted {plural(ents, 'entity', 'entities')} and {plural(assocs, 'association')}"
        failed = f"; <b>{plural(len(errors), 'error')}</b><ul>{listing}</ul>" if errors else ""
        self.load()  # the context is gone: this clears the preview
        self.plan = None
        self.confirm.value = False
        self.confirm.description = "I understand: delete everything listed"
        self.details.value = escape(summary) + failed
        if errors:
            self.set_status(f"{summary}; {len(errors)} failed: {errors[0]}", "error")
        else:
            self.set_status(summary, "ok")
        self._done(report)
        return report
