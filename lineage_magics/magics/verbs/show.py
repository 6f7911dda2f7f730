"""``%lineage show REF``: one entity, its properties and its associations."""

from __future__ import annotations

from ... import sagemaker as sm
from ..parsing import add_var_option
from ..registry import Verb
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
    return m.deliver(args, EntityDetail(entity, links), value=entity)


VERBS = {
    "show": Verb(
        "show",
        "show one entity: type, URI, status, properties and its associations",
        build,
        run,
        ("%lineage show model-build-step", "%lineage show s3://bucket/model.tar.gz -o model"),
    )
}
