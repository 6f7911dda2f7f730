"""``%lineage create KIND ...``: one entity, with the fields of the cell DSL's declarations."""

from __future__ import annotations

from IPython.core.error import UsageError

from ... import sagemaker as sm
from ...errors import NotFoundError
from ...text import did_you_mean
from ..dsl import (
    LineageSyntaxError,
    name_problem,
    normalise_action_status,
    parse_declaration,
    parse_properties,
)
from ..parsing import add_var_option
from ..registry import Result, Verb
from ..results import Message

KINDS = sm.KINDS

DETAILS = """fields by kind (k=v pairs are properties; for a trial component, parameters):
  context NAME TYPE [uri=URI] [k=v ...]
  action NAME TYPE [uri=URI] [status=S] [k=v ...]
  artifact NAME TYPE URI [k=v ...]
  experiment NAME
  trial NAME --experiment E
  trial-component NAME [status=S] [k=v ...]"""


def build(p) -> None:
    p.add_argument("kind", metavar="KIND", help=" | ".join(KINDS))
    p.add_argument("fields", nargs="*", metavar="FIELD", help="NAME, TYPE, URI and k=v pairs (see below)")
    p.add_argument("--description", metavar="D", help="description (contexts, actions, experiments)")
    p.add_argument(
        "--tag", dest="tags", action="append", default=[], metavar="K=V", help="a tag (repeatable)"
    )
    p.add_argument(
        "--source-type",
        dest="source_types",
        action="append",
        default=[],
        metavar="ID_TYPE=VALUE",
        help="an artifact source type, e.g. Custom=1700000000 or MD5Hash=... (repeatable)",
    )
    p.add_argument("--experiment", metavar="E", help="the experiment of a trial")
    p.add_argument("--context", metavar="C", help="also link context C -> the new entity (AssociatedWith)")
    p.add_argument("--exist-ok", action="store_true", help="return the existing entity instead of failing")
    p.add_argument("--dry-run", action="store_true", help="check the fields and say what would be created")
    add_var_option(p, "the Entity")


def _usage(message: str) -> UsageError:
    return UsageError(f"%lineage create: {message}")


def _tags(pairs: list[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    try:
        return parse_properties(pairs, 0, "--tag", 256)
    except LineageSyntaxError as exc:
        raise _usage(exc.detail) from None


def _source_types(pairs: list[str]) -> list[dict] | None:
    out = []
    for pair in pairs:
        id_type, sep, value = pair.partition("=")
        known = {t.lower(): t for t in sm.source_id_types()}
        if not sep or id_type.lower() not in known:
            raise _usage(
                f"--source-type takes ID_TYPE=VALUE with ID_TYPE one of {', '.join(sm.source_id_types())}"
            )
        out.append({"SourceIdType": known[id_type.lower()], "Value": value})
    return out or None


def _lineage_entity(m, args, kind: str, tags):
    try:
        decl = parse_declaration(kind, args.fields, 0)
    except LineageSyntaxError as exc:
        raise _usage(exc.detail) from None
    if args.experiment:
        raise _usage("--experiment applies to trials")
    if args.description and kind == "artifact":
        raise _usage("artifacts have no description; use a property")
    source_types = _source_types(args.source_types)
    if args.dry_run:
        return None, decl
    client = m.client
    props = decl.properties or None
    if kind == "context":
        make = client.ensure_context if args.exist_ok else client.create_context
        entity = make(
            decl.name, decl.type, decl.uri, description=args.description, properties=props, tags=tags
        )
    elif kind == "action":
        make = client.ensure_action if args.exist_ok else client.create_action
        entity = make(
            decl.name,
            decl.type,
            decl.uri,
            status=decl.status,
            description=args.description,
            properties=props,
            tags=tags,
        )
    else:
        make = client.ensure_artifact if args.exist_ok else client.create_artifact
        entity = make(decl.uri, decl.type, decl.name, source_types=source_types, properties=props, tags=tags)
    return entity, decl


def _experiment_entity(m, args, kind: str, tags):
    if not args.fields:
        raise _usage(f"{kind} needs a NAME")
    name, rest = args.fields[0], args.fields[1:]
    problem = name_problem(name, kind)
    if problem:
        raise _usage(problem)
    status = None
    params = {}
    if kind == "trial-component":
        try:
            params = parse_properties(rest, 0, kind, 2500)
        except LineageSyntaxError as exc:
            raise _usage(exc.detail) from None
        if "status" in params:
            given = params.pop("status")
            status = normalise_action_status(given)
            if status not in sm.trial_component_statuses():
                raise _usage(
                    f"unknown trial component status {given!r}{did_you_mean(given, sm.trial_component_statuses())}"
                )
    elif rest:
        raise _usage(f"unexpected {' '.join(rest)!r}: {kind} takes only a NAME")
    if kind == "trial" and not args.experiment:
        raise _usage("a trial needs --experiment E")
    if kind != "trial" and args.experiment:
        raise _usage("--experiment applies to trials")
    if args.dry_run:
        return None, name
    client = m.client
    if args.exist_ok:
        try:
            return client.get(name, kind=kind), name
        except NotFoundError:
            pass
    if kind == "experiment":
        return client.create_experiment(name, description=args.description, tags=tags), name
    if args.description:
        raise _usage(f"a {kind} has no description")
    if kind == "trial":
        return client.create_trial(name, args.experiment, tags=tags), name
    return client.create_trial_component(name, status=status, parameters=params or None, tags=tags), name


def run(m, args, cell):
    kind = args.kind.lower()
    if kind not in KINDS:
        raise _usage(
            f"unknown kind {args.kind!r}{did_you_mean(args.kind, KINDS)}; use one of {', '.join(KINDS)}"
        )
    tags = _tags(args.tags)
    context = m.client.resolve(args.context, kind="context") if args.context else None
    if args.source_types and kind != "artifact":
        raise _usage("--source-type applies to artifacts")
    if kind in ("context", "action", "artifact"):
        entity, decl = _lineage_entity(m, args, kind, tags)
        name = decl.name
        what = f"{kind} {decl.name!r} ({decl.type})"
    else:
        entity, name = _experiment_entity(m, args, kind, tags)
        what = f"{kind} {name!r}"
    if args.dry_run:
        link = f", linked from context {args.context!r}" if args.context else ""
        data = {"dry_run": True, "kind": kind, "name": name, "context": args.context}
        return Result(Message(f"would create {what}{link}"), value=None, data=data)
    if context:
        m.client.associate(context, entity, "AssociatedWith")
    return Result(entity, data=entity.to_dict())


VERBS = {
    "create": Verb(
        "create",
        "create a context, action, artifact, experiment, trial or trial component",
        build,
        run,
        (
            "%lineage create context mnist-workflow MLWorkflow uri=1700000000 example=true",
            "%lineage create action model-build-step ModelBuild status=Completed Example=Metadata",
            "%lineage create artifact mnist-model Model s3://bucket/model.tar.gz --context mnist-workflow",
        ),
        details=DETAILS,
    )
}
