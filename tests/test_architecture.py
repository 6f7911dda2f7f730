"""The layout of docs/architecture.md holds: imports go only downward, nothing reaches into another
module's private members, and the table of entity kinds agrees with botocore's service model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import botocore.session
import pytest

from lineage_magics import sagemaker as sm

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_imports_go_only_downward():
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_no_private_member_is_reached_from_another_module():
    result = subprocess.run(
        [
            str(BIN / "ruff"),
            "check",
            "--select",
            "SLF001",
            "--output-format",
            "concise",
            "lineage_magics",
            "widgets",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout


def test_architecture_page_names_every_module():
    page = (REPO / "docs" / "architecture.md").read_text()
    for path in sorted((REPO / "lineage_magics").glob("*.py")) + sorted(
        (REPO / "lineage_magics" / "ops").glob("*.py")
    ):
        if path.name != "__init__.py":
            assert f"{path.stem}" in page, f"docs/architecture.md does not mention {path.name}"


MODEL = botocore.session.get_session().get_service_model("sagemaker")


@pytest.mark.parametrize("kind", sm.KINDS)
def test_kind_table_agrees_with_the_service_model(kind):
    k = sm.kind(kind)
    for verb, op in (("create", "Create"), ("describe", "Describe"), ("update", "Update"), ("delete", "Delete"),
                     ("list", "List")):  # fmt: skip
        name = f"{op}{k.noun}" + ("s" if verb == "list" else "")
        assert name in MODEL.operation_names
        assert MODEL.operation_model(name).name == name
    describe = MODEL.operation_model(f"Describe{k.noun}")
    assert k.ident in describe.input_shape.required_members
    assert k.arn_member in describe.output_shape.members
    assert k.summaries in MODEL.operation_model(f"List{k.noun}s").output_shape.members
    if k.properties:
        assert k.properties in MODEL.operation_model(f"Update{k.noun}").input_shape.members
        assert f"{k.properties}ToRemove" in MODEL.operation_model(f"Update{k.noun}").input_shape.members
    if k.lineage_type:
        assert k.lineage_type in MODEL.shape_for("LineageType").enum
    arn = f"arn:aws:sagemaker:us-east-1:000000000000:{k.arn_resource}/x"
    assert sm.kind_of_arn(arn) == kind


def test_enums_and_limits_come_from_the_model():
    shape = MODEL.shape_for
    assert sm.association_types() == tuple(shape("AssociationEdgeType").enum)
    assert sm.action_statuses() == tuple(shape("ActionStatus").enum)
    assert sm.kind("action").name_pattern.pattern == shape("ExperimentEntityName").metadata["pattern"]
    assert sm.kind("context").name_pattern.pattern == shape("ContextName").metadata["pattern"]
    limits = sm.limits()
    assert (limits.name, limits.type, limits.description, limits.properties) == (120, 256, 3072, 30)
    assert limits.property_value == {"artifact": 4096, "action": 2500, "context": 2500}
    assert limits.uri == 2048
