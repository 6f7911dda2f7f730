"""Deleting with associations: single entities (``delete``) and whole contexts (``cleanup``).

A plan is computed first (nothing deleted); running it deletes associations before the entities
they touch, with bounded concurrency, a tqdm bar and ``on_progress(done, total)``. A delete that
finds its target gone counts as done, and an interrupted clean-up is remembered by the Api, so
running it again finishes the job. Members being deleted are also written to a small journal, so a
clean-up killed between deleting a member's link and the member itself is finished by the next run,
even from another process: next to an SQLite store (``<store>.cleanups/``), under
``~/.lineage_magics/cleanups/`` for SageMaker and HTTP, and nowhere for ``memory://`` (the Api's
memory of interrupted plans covers that). A journal and its empty folder go when the run completes.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from typing import Any

from .. import crud
from ..api import Api
from ..entities import Association, Entity, association_from_summary
from ..errors import LineageError, NotFoundError
from ..sagemaker import kind_of_arn, name_of_arn
from ..text import escape_html, html_table, visible

DELETABLE = ("context", "action", "artifact", "trial-component")
JOURNAL_CHUNK = 64  # members deleted between two writes of the journal
# pages of the scan of every association a clean-up plan may read per member it must check (each
# member checked on its own costs two ListAssociations): half, so a scan that gives up costs little
SCAN_PAGES_PER_MEMBER = 1.0


def _entity_from_summary(arn: str, name: str | None, type_: str | None) -> Entity:
    return Entity(kind_of_arn(arn) or "artifact", arn, name or None, type_)


@dataclass
class CleanupPlan:
    """What a delete or clean-up removes: ``associations`` first, then ``entities``.

    ``kept`` lists members left in place because something outside the context uses them."""

    target: Entity
    entities: list[Entity] = field(default_factory=list)
    associations: list[Association] = field(default_factory=list)
    kept: list[tuple[Entity, str]] = field(default_factory=list)
    kind: str = "cleanup"
    memberships: list[tuple[str, str]] = field(default_factory=list)  # (trial component, trial) names

    def __len__(self) -> int:
        return len(self.entities) + len(self.associations) + len(self.memberships)

    def merge(self, other: CleanupPlan) -> CleanupPlan:
        """This plan plus what ``other`` has that this one lacks."""
        arns = {e.arn for e in self.entities}
        pairs = {(a.source_arn, a.destination_arn) for a in self.associations}
        return CleanupPlan(
            self.target,
            self.entities + [e for e in other.entities if e.arn not in arns],
            self.associations
            + [a for a in other.associations if (a.source_arn, a.destination_arn) not in pairs],
            self.kept,
            self.kind,
            self.memberships + [m for m in other.memberships if m not in self.memberships],
        )

    def _summary(self) -> str:
        by_kind: dict[str, int] = {}
        for e in self.entities:
            by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
        kinds = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(by_kind.items())) or "nothing"
        kept = f"; keeps {len(self.kept)} shared" if self.kept else ""
        trials = f", removes {len(self.memberships)} trial memberships" if self.memberships else ""
        return (
            f"{self.kind} of {self.target.label!r}: deletes {kinds} and {len(self.associations)} "
            f"associations{trials}{kept}"
        )

    def __repr__(self) -> str:
        lines = [f"<CleanupPlan {self._summary()}>"]
        for a in self.associations[:20]:
            lines.append(f"  association {a.source_label} -> {a.destination_label}")
        if len(self.associations) > 20:
            lines.append(f"  ... {len(self.associations) - 20} more associations")
        for e in self.entities[:20]:
            lines.append(f"  {e.kind} {e.label}")
        if len(self.entities) > 20:
            lines.append(f"  ... {len(self.entities) - 20} more entities")
        for e, why in self.kept[:20]:
            lines.append(f"  keeps {e.kind} {e.label} ({why})")
        return "\n".join(visible(line) for line in lines)

    def _repr_html_(self) -> str:
        rows = [
            ("remove", "trial membership", f"{tc} in {trial}", "") for tc, trial in self.memberships[:200]
        ]
        rows += [
            ("delete", "association", f"{a.source_label} → {a.destination_label}", a.type or "")
            for a in self.associations[:200]
        ]
        rows += [("delete", e.kind, e.label, e.type or "") for e in self.entities[:200]]
        rows += [("keep", e.kind, e.label, why) for e, why in self.kept[:200]]
        total = len(self.associations) + len(self.entities) + len(self.kept) + len(self.memberships)
        table = html_table(
            ["action", "kind", "what", "type / reason"], rows, caption=f"showing {len(rows)} of {total}"
        )
        return f"<div class='lineage-cleanup-plan'><p>{escape_html(self._summary())}</p>{table}</div>"


@dataclass
class CleanupReport:
    """What a delete or clean-up did. Items found already gone count as deleted (``already_gone``)."""

    target: Entity
    deleted_entities: list[Entity] = field(default_factory=list)
    deleted_associations: list[Association] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    already_gone: int = 0
    exceptions: list[Exception] = field(default_factory=list, repr=False)
    removed_memberships: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def __repr__(self) -> str:
        gone = f" ({self.already_gone} already gone)" if self.already_gone else ""
        errs = f", {len(self.errors)} errors: {self.errors[0]}" if self.errors else ""
        return visible(
            f"<CleanupReport {self.target.label!r}: deleted {len(self.deleted_entities)} entities and "
            f"{len(self.deleted_associations)} associations{gone}{errs}>"
        )

    def summary(self) -> str:
        """``deleted 5 entities (1 action, 3 artifacts, 1 context) and 7 associations``, in words."""
        by_kind: dict[str, int] = {}
        for e in self.deleted_entities:
            by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
        kinds = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(by_kind.items()))
        n, a = len(self.deleted_entities), len(self.deleted_associations)
        gone = f" ({self.already_gone} already gone)" if self.already_gone else ""
        text = (
            f"{self.target.label}: deleted {n} {'entity' if n == 1 else 'entities'}"
            f"{f' ({kinds})' if kinds else ''} and {a} association{'' if a == 1 else 's'}{gone}"
        )
        return text + (f"; {len(self.errors)} failed" if self.errors else "")

    def _repr_html_(self) -> str:
        rows = [("deleted", e.kind, e.label, e.type or "") for e in self.deleted_entities[:200]]
        rows += [("error", "", e, "") for e in self.errors[:50]]
        total = len(self.deleted_entities) + len(self.errors)
        table = html_table(
            ["result", "kind", "what", "type"], rows, caption=f"showing {len(rows)} of {total}"
        )
        return f"<div class='lineage-cleanup-report'><p>{escape_html(self.summary())}</p>{table}</div>"


# -- planning ----------------------------------------------------------------------------


def plan_delete(api: Api, ref: Any, cascade: bool = False) -> CleanupPlan:
    """The plan for deleting one entity. With ``cascade``: its associations; for a trial or trial
    component its trial memberships; for an experiment its trials (and their memberships) too."""
    entity = crud.get(api, ref)
    plan = CleanupPlan(entity, [entity], kind="cascade delete" if cascade else "delete")
    if not cascade:
        return plan
    if entity.kind in ("context", "action", "artifact", "trial-component", "experiment"):
        plan.associations = [association_from_summary(r) for r in api.associations_of(entity.arn)]
    if entity.kind == "trial-component":
        trials = api.list_all("trial", {"TrialComponentName": entity.name})
        plan.memberships = [(entity.name, t["TrialName"]) for t in trials]
    elif entity.kind == "trial":
        tcs = api.list_all("trial-component", {"TrialName": entity.name})
        plan.memberships = [(t["TrialComponentName"], entity.name) for t in tcs]
    elif entity.kind == "experiment":
        for t in api.list_all("trial", {"ExperimentName": entity.name}):
            plan.entities.insert(0, Entity("trial", t["TrialArn"], t["TrialName"]))
            tcs = api.list_all("trial-component", {"TrialName": t["TrialName"]})
            plan.memberships += [(c["TrialComponentName"], t["TrialName"]) for c in tcs]
    return plan


def plan_cleanup(api: Api, context_ref: Any) -> CleanupPlan:
    """The context, its members (the entities it links to with AssociatedWith) that nothing outside
    the context uses, and every association of what is deleted.

    Which members are shared is read from ListAssociations only (the ground truth, every kind of
    entity at either end, experiments included), in as few calls as it allows: the context's own
    associations, then one scan of every association in the account (100 a page) when that costs
    fewer pages than there are members to check (half of listing each member both ways); otherwise
    each member still in doubt is listed both ways, as before. A member seen linked to anything
    outside the context in the scan pages read is kept without further calls.

    QueryLineage is deliberately not trusted to clear a member: its vertices are lineage entities
    only, and which edges ``IncludeEdges`` returns between vertices already visited (or to an
    experiment) is undocumented, so a walk that shows no outside link proves nothing about
    SageMaker. A member is deleted only when every association it has is known."""
    ctx = crud.get(api, context_ref, "context")
    ctx_assocs = api.associations_of(ctx.arn)
    members = {
        r["DestinationArn"]: r
        for r in ctx_assocs
        if r["SourceArn"] == ctx.arn and r.get("AssociationType") == "AssociatedWith"
    }
    inside = set(members) | {ctx.arn}
    entities = {
        arn: _entity_from_summary(arn, s.get("DestinationName"), s.get("DestinationType"))
        for arn, s in members.items()
    }
    candidates = [arn for arn, e in entities.items() if e.kind in DELETABLE]
    member_assocs, outside = _member_associations(api, candidates, inside)
    plan = CleanupPlan(ctx, kind="cleanup")
    doomed = {ctx.arn}
    for arn, entity in entities.items():
        far = sorted(outside.get(arn, ()))
        if entity.kind not in DELETABLE:
            plan.kept.append((entity, f"a {entity.kind} is not deleted by a clean-up"))
        elif far:
            names = ", ".join(name_of_arn(a) for a in far[:3]) + (" ..." if len(far) > 3 else "")
            plan.kept.append((entity, f"also linked to {names}"))
        else:
            doomed.add(arn)
            plan.entities.append(entity)
    plan.entities.append(ctx)
    seen: set[tuple[str, str]] = set()
    for rows in [ctx_assocs, *(member_assocs[a] for a in members if a in doomed)]:
        for r in rows:
            pair = (r["SourceArn"], r["DestinationArn"])
            if pair not in seen and (pair[0] in doomed or pair[1] in doomed):
                seen.add(pair)
                plan.associations.append(association_from_summary(r))
    return plan


def _member_associations(
    api: Api, candidates: list[str], inside: set[str]
) -> tuple[dict[str, list[dict]], dict[str, set[str]]]:
    """Every association of each candidate member whose sharing is not already proven, and, for
    each candidate, the ARNs outside ``inside`` it is linked to (a complete set for every candidate
    not proven shared: a member with none may be deleted).

    First a scan of every association (``ListAssociations`` without filters) for at most
    ``SCAN_PAGES_PER_MEMBER * len(candidates)`` pages; if the account has more, the candidates the pages read show linked
    outside are settled (shared), and each of the others is listed both ways."""
    assocs: dict[str, list[dict]] = {arn: [] for arn in candidates}
    outside: dict[str, set[str]] = {}

    def note(r: dict) -> None:
        src, dst = r["SourceArn"], r["DestinationArn"]
        for me, other in {(src, dst), (dst, src)}:  # a set: a self-link counts once
            rows = assocs.get(me)
            if rows is not None:
                rows.append(r)
                if other not in inside:
                    outside.setdefault(me, set()).add(other)

    budget = int(SCAN_PAGES_PER_MEMBER * len(candidates))
    if not candidates:
        return assocs, outside
    if budget > 0:
        rows, more = api.pages("association", {}, limit=100 * budget)
        for r in rows:
            note(r)
        if not more:
            return assocs, outside
    doubtful = [arn for arn in candidates if arn not in outside]
    for arn, found in zip(doubtful, api.fan_out(api.associations_of, doubtful), strict=True):
        assocs[arn] = found
        for r in found:
            other = r["DestinationArn"] if r["SourceArn"] == arn else r["SourceArn"]
            if other not in inside:
                outside.setdefault(arn, set()).add(other)
    return assocs, outside


# -- the journal of members in flight ------------------------------------------------------


def journal_path(api: Api, target_arn: str) -> str | None:
    """Where the journal of a clean-up of ``target_arn`` goes (None: kept in memory only)."""
    service = api.service
    if service is not None:
        if service.store.path == ":memory:":
            return None
        folder, key = service.store.path + ".cleanups", target_arn
    else:
        endpoint = api.endpoint
        if not endpoint:
            return None
        folder, key = os.path.expanduser("~/.lineage_magics/cleanups"), f"{endpoint}\n{target_arn}"
    return os.path.join(folder, hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")


class _Journal:
    """The members whose link from the context may be deleted while they still exist, on disk.

    Deleting a member takes two calls (its link, then itself); a process killed between them would
    leave a member no new plan can find. The journal names those members until they are gone."""

    def __init__(self, api: Api, target_arn: str):
        self.path = journal_path(api, target_arn)
        self.lock = threading.Lock()
        self.inflight: dict[str, list] = {}

    def load(self) -> list[Entity]:
        """Members left in flight by an earlier run."""
        if self.path is None:
            return []
        try:
            with open(self.path) as fh:
                rows = json.load(fh)
        except (OSError, ValueError):
            return []
        return [Entity(kind, arn, name, type_) for kind, arn, name, type_ in rows]

    def _save(self) -> None:
        if self.path is None:
            return
        if not self.inflight:
            self.remove()
            return
        tmp = f"{self.path}.{os.getpid()}.{threading.get_ident()}"
        for _ in range(2):  # twice: another run may remove the empty folder between makedirs and open
            try:
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                with open(tmp, "w") as fh:
                    json.dump(list(self.inflight.values()), fh)
                os.replace(tmp, self.path)
                return
            except FileNotFoundError:
                continue
            except OSError:  # best effort: unwritable, the in-memory plan still covers this run
                return

    def remove(self) -> None:
        """Delete the journal (and a killed run's temp files), then its folder if that is empty."""
        if self.path is None:
            return
        for stale in [self.path, *glob.glob(glob.escape(self.path) + ".*")]:
            with contextlib.suppress(FileNotFoundError):
                os.remove(stale)
        with contextlib.suppress(OSError):  # not empty (another clean-up's journal) or already gone
            os.rmdir(os.path.dirname(self.path))

    def start(self, members: list[Entity]) -> None:
        """These members' links may be deleted from now on (one write for the lot)."""
        if members:
            with self.lock:
                self.inflight.update({e.arn: [e.kind, e.arn, e.name, e.type] for e in members})
                self._save()

    def done(self, arns: list[str]) -> None:
        """These members are gone."""
        if arns:
            with self.lock:
                for arn in arns:
                    self.inflight.pop(arn, None)
                self._save()


# -- running -----------------------------------------------------------------------------


class _Progress:
    def __init__(self, api: Api, total: int, desc: str, on_progress: Callable | None):
        from tqdm.auto import tqdm

        self.done = 0
        self.total = total
        self.on_progress = on_progress
        self.bar = tqdm(total=total, desc=desc, disable=not api.progress, leave=False)

    def step(self, n: int = 1) -> None:
        self.done += n
        self.bar.update(n)
        if self.on_progress is not None:
            self.on_progress(self.done, self.total)

    def close(self) -> None:
        self.bar.close()


def run_plan(
    api: Api,
    plan: CleanupPlan,
    *,
    on_progress: Callable[[int, int], Any] | None = None,
) -> CleanupReport:
    """Delete what ``plan`` lists, associations before the entities they touch.

    A member's link from the context is deleted just before the member itself, so an interruption
    never leaves a member the next plan cannot find. Exceptions raised by ``on_progress`` stop the
    run (what is not yet done stays in the store and a re-run finishes it)."""
    report = CleanupReport(plan.target)
    doomed = {e.arn for e in plan.entities}
    target = plan.target.arn
    # membership links deleted together with their member (phase 2); everything else first
    paired = {
        a.destination_arn: a
        for a in plan.associations
        if a.source_arn == target and a.destination_arn in doomed and a.destination_arn != target
    }
    paired_ids = {id(a) for a in paired.values()}
    first = [a for a in plan.associations if id(a) not in paired_ids]
    members = [e for e in plan.entities if e.arn != target]
    last = [e for e in plan.entities if e.arn == target]
    progress = _Progress(api, len(plan), f"{plan.kind} {plan.target.label}", on_progress)
    journal = _Journal(api, target)
    journal.inflight = {e.arn: [e.kind, e.arn, e.name, e.type] for e in journal.load()}

    def drop_association(a: Association) -> tuple[str, Any, bool]:
        return "association", a, crud.delete_association(api, a.source_arn, a.destination_arn)

    def drop_membership(m: tuple[str, str]) -> tuple[str, Any, bool]:
        return "membership", m, crud.remove_trial_component(api, m[1], m[0])

    def drop_entity(e: Entity) -> tuple[str, Any, bool]:
        return "entity", e, crud.delete_entity(api, e.kind, e.arn)

    gone: list[str] = []  # members deleted (or found gone) in the current chunk

    def drop_member(e: Entity) -> list[tuple[str, Any, bool]]:
        out = []
        link = paired.get(e.arn)
        if link is not None:
            out.append(drop_association(link))
        out.append(drop_entity(e))
        gone.append(e.arn)
        return out

    def record(kind: str, item: Any, deleted: bool) -> None:
        if not deleted:
            report.already_gone += 1
        if kind == "association":
            report.deleted_associations.append(item)
        elif kind == "membership":
            report.removed_memberships.append(item)
        else:
            report.deleted_entities.append(item)

    def describe(item: Any) -> str:
        if isinstance(item, Association):
            return f"association {item.source_label} -> {item.destination_label}"
        if isinstance(item, tuple):
            return f"trial component {item[0]} in trial {item[1]}"
        return f"{item.kind} {item.label}"

    def settle(item: Any, results_of: Callable[[], Any], steps: Callable[[Any], int]) -> None:
        """Record what deleting ``item`` did (or the error it met), then advance the progress."""
        try:
            results = results_of()
        except LineageError as e:
            report.errors.append(f"{describe(item)}: {e}")
            report.exceptions.append(e)
        else:
            for res in results if isinstance(results, list) else [results]:
                record(*res)
        progress.step(steps(item))

    def run_phase(func: Callable, items: list, steps: Callable[[Any], int]) -> None:
        if not items:
            return
        pool = api.pool(len(items))  # None for an in-process store: its calls take turns
        if pool is None:
            for item in items:
                settle(item, lambda item=item: func(item), steps)
            return
        try:
            pending = {pool.submit(func, it): it for it in items}
            for fut in as_completed(pending):  # one waiter a future (wait() in a loop was quadratic)
                settle(pending.pop(fut), fut.result, steps)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def drop_members() -> None:
        """In chunks: the journal names a chunk's linked members before their links go."""
        for lo in range(0, len(members), JOURNAL_CHUNK):
            chunk = members[lo : lo + JOURNAL_CHUNK]
            journal.start([e for e in chunk if e.arn in paired])
            run_phase(drop_member, chunk, lambda e: 2 if e.arn in paired else 1)
            journal.done(gone)
            gone.clear()

    try:
        run_phase(drop_membership, plan.memberships, lambda m: 1)
        run_phase(drop_association, first, lambda a: 1)
        drop_members()
        if not report.errors:
            run_phase(drop_entity, last, lambda e: 1)
        elif last:
            report.errors.append(f"{describe(last[0])}: not deleted because of the errors above")
    except BaseException:
        api.pending_cleanups[target] = plan
        raise
    finally:
        progress.close()
    if report.errors:
        api.pending_cleanups[target] = plan
    else:
        api.pending_cleanups.pop(target, None)
        with journal.lock:
            if not journal.inflight:
                journal.remove()
    return report


def cleanup(
    api: Api,
    context_ref: Any,
    dry_run: bool = False,
    on_progress: Callable[[int, int], Any] | None = None,
) -> CleanupPlan | CleanupReport:
    """Plan (and unless ``dry_run``, run) the clean-up of a context. A clean-up of the same context
    that was interrupted earlier through this Api is finished as well."""
    if isinstance(context_ref, CleanupPlan):
        plan = context_ref
    else:
        try:
            plan = plan_cleanup(api, context_ref)
        except NotFoundError:
            pending = _pending_for(api, context_ref)
            if pending is None:
                raise
            plan = pending
        else:
            pending = api.pending_cleanups.get(plan.target.arn)
            if pending is not None:
                plan = plan.merge(pending)
            left = _Journal(api, plan.target.arn).load()
            if left:
                plan = plan.merge(CleanupPlan(plan.target, left))
    if dry_run:
        return plan
    return run_plan(api, plan, on_progress=on_progress)


def _pending_for(api: Api, ref: Any) -> CleanupPlan | None:
    for arn, plan in api.pending_cleanups.items():
        if ref in (arn, plan.target.name) or (isinstance(ref, Entity) and ref.arn == arn):
            return plan
    return None


def delete(
    api: Api,
    ref: Any,
    cascade: bool = False,
    dry_run: bool = False,
    on_progress: Callable[[int, int], Any] | None = None,
) -> CleanupPlan | CleanupReport:
    """See :meth:`LineageClient.delete`: errors raise (a clean-up reports them instead)."""
    plan = plan_delete(api, ref, cascade=cascade)
    if dry_run:
        return plan
    report = run_plan(api, plan, on_progress=on_progress)
    api.pending_cleanups.pop(plan.target.arn, None)
    if report.exceptions:
        raise report.exceptions[0]
    return report
