"""``%lineage show REF``: one entity, its properties and its associations."""

from __future__ import annotations

from datetime import datetime

from ... import sagemaker as sm
from ...text import text_table, visible
from ..parsing import add_var_option
from ..registry import Result, Verb
from ..results import EntityDetail

KINDS = sm.KINDS


def build(p) -> None:
    p.add_argument("ref", metavar="REF", help="ARN, name, or artifact source URI")
    p.add_argument("--kind", choices=KINDS, help="look only among entities of this kind")
    add_var_option(p, "the Entity")


def run(m, args, cell):
    client = m.client
    entity = client.get(args.ref, kind=args.kind)
    # trials cannot take part in associations (SageMaker refuses to list them)
    links = client.associations(entity, direction="both") if entity.kind != "trial" else []
    data = {"entity": entity.to_dict(), "associations": [a.to_dict() for a in links]}
    return Result(EntityDetail(entity, links), value=entity, data=data, text=_text(entity, links))


def _text(entity, links) -> str:
    """The entity as ``field  value`` lines, then its associations (the terminal's view)."""
    fields = {k: v for k, v in entity.to_dict().items() if v not in (None, "", {}, [])}
    properties = fields.pop("properties", {})
    source_types = fields.pop("source_types", [])
    lines = [(k.replace("_", " "), v) for k, v in fields.items()]
    lines += [(f"source type {t.get('SourceIdType')}", t.get("Value")) for t in source_types]
    lines += [(f"property {k}", v) for k, v in sorted(properties.items())]
    lines = [(visible(k), visible(v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v))
             for k, v in lines]  # fmt: skip
    width = max(len(k) for k, _ in lines)
    text = "\n".join(f"{k.ljust(width)}  {v}" for k, v in lines)
    if not links:
        return text + "\n\nno associations"
    rows = [(a.source_label, a.type or "", a.destination_label) for a in links]
    return f"{text}\n\n{text_table(['source', 'type', 'destination'], rows)}"


VERBS = {
    "show": Verb(
        "show",
        "show one entity: type, URI, status, properties and its associations",
        build,
        run,
        ("%lineage show model-build-step", "%lineage show s3://bucket/model.tar.gz -o model"),
    )
}
