"""The %%lineage context cell DSL parser on its own: every form, every error with its line number."""

from __future__ import annotations

import pytest

from lineage_magics.magics import dsl
from lineage_magics.magics.dsl import LineageSyntaxError, parse_cell
from lineage_magics.workflow import EdgeDecl, EntityDecl

from .conftest import MNIST_BODY


def test_design_example_parses_into_the_spec():
    spec = parse_cell(MNIST_BODY, "mnist-workflow", context_type="MLWorkflow", source_uri="1700000000")
    assert spec.context == "mnist-workflow"
    assert spec.context_type == "MLWorkflow"
    assert spec.source_uri == "1700000000"
    assert spec.properties == {"example": "true"}
    assert spec.entities == [
        EntityDecl(
            "artifact",
            "mnist-test-images",
            "TestData",
            "https://example.com/t10k-images-idx3-ubyte.gz",
            line=4,
        ),
        EntityDecl(
            "artifact",
            "mnist-test-labels",
            "TestLabels",
            "https://example.com/t10k-labels-idx1-ubyte.gz",
            line=5,
        ),
        EntityDecl(
            "action", "model-build-step", "ModelBuild", None, "Completed", {"Example": "Metadata"}, line=6
        ),
        EntityDecl("artifact", "mnist-model", "Model", "s3://bucket/model.tar.gz", line=7),
    ]
    assert spec.edges == [
        EdgeDecl("mnist-test-images", "model-build-step", None, 8),
        EdgeDecl("mnist-test-labels", "model-build-step", None, 9),
        EdgeDecl("model-build-step", "mnist-model", "Produced", 10),
    ]


def test_default_context_type_is_the_specs():
    assert parse_cell("", "c").context_type == "Workflow"


def test_every_declaration_form():
    cell = "\n".join(
        [
            "artifact a1 DataSet s3://b/a1 size=10 owner='ann lee'",
            "action act1 Train uri=s3://b/code status=inprogress k=v",
            "action act2 Evaluate",
            "context sub_ctx Project uri=https://x k2=v2",
            "property team=ml 'long key=x y'",
        ]
    )
    spec = parse_cell(cell, "c", first_line=1)
    a1, act1, act2, sub = spec.entities
    assert a1 == EntityDecl(
        "artifact", "a1", "DataSet", "s3://b/a1", None, {"size": "10", "owner": "ann lee"}, 1
    )
    assert act1 == EntityDecl("action", "act1", "Train", "s3://b/code", "InProgress", {"k": "v"}, 2)
    assert act2 == EntityDecl("action", "act2", "Evaluate", None, None, {}, 3)
    assert sub == EntityDecl("context", "sub_ctx", "Project", "https://x", None, {"k2": "v2"}, 4)
    assert spec.properties == {"team": "ml", "long key": "x y"}


def test_chains_types_and_case():
    spec = parse_cell("a -> b -> c derivedfrom\nx->y\np -> q SAMEAS", "c", first_line=1)
    assert spec.edges == [
        EdgeDecl("a", "b", "DerivedFrom", 1),
        EdgeDecl("b", "c", "DerivedFrom", 1),
        EdgeDecl("x", "y", None, 2),
        EdgeDecl("p", "q", "SameAs", 3),
    ]


def test_edge_endpoints_may_be_refs_and_keywords():
    arn = "arn:aws:sagemaker:us-east-1:000000000000:artifact/abc"
    spec = parse_cell(f"{arn} -> 's3://b/x y' Produced\nartifact -> action", "c", first_line=1)
    assert spec.edges == [EdgeDecl(arn, "s3://b/x y", "Produced", 1), EdgeDecl("artifact", "action", None, 2)]


def test_quoting_comments_blank_lines():
    cell = """

# a comment line
   artifact "a1" 'My Type' "s3://b/with space#notcomment" note="x # y"   # trailing comment
artifact a2 T https://x/y#fragment
"""
    spec = parse_cell(cell, "c")
    a1, a2 = spec.entities
    assert (a1.name, a1.type, a1.uri, a1.properties, a1.line) == (
        "a1",
        "My Type",
        "s3://b/with space#notcomment",
        {"note": "x # y"},
        5,
    )
    assert a2.uri == "https://x/y#fragment"
    assert a2.line == 6


def test_windows_line_endings():
    spec = parse_cell("artifact a T u\r\na -> b\r\n", "c", first_line=1)
    assert spec.entities[0].uri == "u"
    assert spec.edges == [EdgeDecl("a", "b", None, 2)]


@pytest.mark.parametrize(
    ("cell", "line", "words"),
    [
        ("artefact x T u", 2, ["unknown declaration 'artefact'", "did you mean 'artifact'"]),
        ("\n\nfoo bar", 4, ["unknown declaration 'foo'"]),
        ("artifact x T", 2, ["artifact needs URI"]),
        ("artifact x", 2, ["needs TYPE and URI"]),
        ("action", 2, ["action needs NAME and TYPE"]),
        ("context c2", 2, ["context needs TYPE"]),
        ("action a T bare", 2, ["unexpected 'bare'", "key=value"]),
        ("action a T =v", 2, ["key before '=' is empty"]),
        ("action a T k=1 k=2", 2, ["'k' given twice"]),
        ("action a T status=done", 2, ["unknown action status 'done'"]),
        ("action a T status=complete", 2, ["did you mean 'Completed'"]),
        ("action a T uri=", 2, ["URI is empty"]),
        ("property", 2, ["property needs key=value"]),
        ("property a=1\nproperty a=2", 3, ["'a' already set on line 2"]),
        ("artifact x T u\naction x T", 3, ["'x' is already declared on line 2"]),
        ("artifact wf T u", 2, ["the name of the cell's context"]),
        ("a -> b Foo", 2, ["unknown association type 'Foo'"]),
        ("a -> b produce", 2, ["did you mean 'Produced'"]),
        ("a -> b ->", 2, ["'->' needs an entity after it"]),
        ("-> b", 2, ["'->' needs an entity before it"]),
        ("a -> -> b", 2, ["between two arrows"]),
        ("a b -> c", 2, ["expected '->' between 'a' and 'b'"]),
        ("a -> a", 2, ["cannot be linked to itself"]),
        ("a -> b\nb -> c\na -> b Produced", 4, ["edge a -> b is already declared on line 2"]),
        ("artifact 'x", 2, ["no closing quotation"]),
        ("action my_action T", 2, ["action name 'my_action' breaks SageMaker's rule"]),
        ("artifact -x T u", 2, ["breaks SageMaker's rule"]),
        ("artifact " + "a" * 121 + " T u", 2, ["longer than 120"]),
        ("artifact a '' u", 2, ["artifact type is empty"]),
        ("artifact a T ''", 2, ["artifact URI is empty"]),
        ("artifact a " + "T" * 257 + " u", 2, ["longer than 256"]),
        ("action a T " + " ".join(f"k{i}=v" for i in range(31)), 2, ["at most 30"]),
        ("action a T k=" + "v" * 2501, 2, ["longer than 2500"]),
        ("artifact a T u\x0bx", 2, ["control character"]),
    ],
)
def test_errors_name_the_line(cell, line, words):
    with pytest.raises(LineageSyntaxError) as info:
        parse_cell(cell, "wf")
    message = str(info.value)
    assert message.startswith(f"line {line}: ")
    assert "\n" not in message
    assert info.value.line == line
    for word in words:
        assert word in message
    assert info.value._render_traceback_() == [f"LineageSyntaxError: {message}"]


def test_artifact_property_values_may_be_longer():
    spec = parse_cell("artifact a T u k=" + "v" * 4096, "wf")
    assert len(spec.entities[0].properties["k"]) == 4096


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"context": "bad name"}, "context name 'bad name' breaks"),
        ({"context": "ok", "context_type": ""}, "context type is empty"),
        ({"context": "ok", "source_uri": "x" * 2049}, "longer than 2048"),
        ({"context": "ok", "description": "d" * 3073}, "longer than 3072"),
    ],
)
def test_magic_line_errors_name_line_one(kwargs, words):
    context = kwargs.pop("context")
    with pytest.raises(LineageSyntaxError, match="^line 1: ") as info:
        parse_cell("", context, **kwargs)
    assert words in str(info.value)


def test_context_names_allow_underscore_entity_names_do_not():
    assert dsl.name_problem("my_context", "context") is None
    assert dsl.name_problem("my_action", "action") is not None
    assert dsl.name_problem("a-b--c9", "artifact") is None
    assert dsl.name_problem("a-", "artifact") is not None
