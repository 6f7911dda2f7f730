"""Hypothesis strategies for any SageMaker request, built from botocore's own service model.

Values are deliberately hostile: strings from the whole Unicode range (surrogates included),
lengths at and around the model's limits, enum values right and wrong, integers and doubles out
of range, timestamps far in the past and future, lists and maps around their size limits, and
now and then a missing required member or an unknown one.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from lineage_magics.service.spec import service_model

ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=12)
# characters that broke or could break something, drawn often on purpose (the range above rarely hits them)
NASTY = st.text(st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b", "\n", "\r", "\x85", "\u2028", "\ufeff", "\U0001f680",
                                 "é", "<", '"', "\\", "%", "a", "-", "_", "/"]), min_size=1, max_size=10)  # fmt: skip


def _lengths(md: dict) -> list[int]:
    out = {0, 1}
    for key in ("min", "max"):
        if key in md:
            out |= {max(0, md[key] - 1), md[key], md[key] + 1}
    return sorted(out)


def tame_string(shape, known: list[str]) -> st.SearchStrategy:
    """Mostly valid: an enum value, a known name or ARN, or a short plain word; now and then nasty
    text, so that it reaches the store inside an otherwise valid request."""
    if shape.enum:
        return st.sampled_from(list(shape.enum))
    plain = st.sampled_from([*known, "a1", "Model", "s3://b/x"]) if known else st.just("a1")
    return st.one_of(plain, plain, plain, plain, NASTY)


def string(shape, known: list[str]) -> st.SearchStrategy:
    md = shape.metadata
    options = [
        ANY_TEXT,
        st.sampled_from(["a", "x-1", "A" * 120, "arn:aws:sagemaker:us-east-1:000000000000:x/y"]),
    ]
    if known:
        options.append(st.sampled_from(known))
    if shape.enum:
        options += [st.sampled_from(list(shape.enum))] * 3 + [
            st.sampled_from([e.lower() for e in shape.enum])
        ]
    lengths = [n for n in _lengths(md) if n <= 9000]
    options.append(
        st.builds(
            lambda n, c: (c * n)[:n],
            st.sampled_from(lengths),
            st.sampled_from(["a", "é", "<", "\x00", "🚀", "-"]),
        )
    )
    return st.one_of(options)


def numbers(shape) -> st.SearchStrategy:
    md = shape.metadata
    edges = [-(2**31), -1, 0, 1, 2**31 - 1, 2**63 - 1]
    for key in ("min", "max"):
        if key in md:
            edges += [md[key] - 1, md[key], md[key] + 1]
    if shape.type_name == "double" or shape.type_name == "float":
        return st.one_of(
            st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([float(e) for e in edges])
        )
    return st.one_of(st.sampled_from(edges), st.integers(-(2**40), 2**40))


TIMESTAMPS = st.one_of(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.just(dt.timezone.utc),
    ),
    st.sampled_from([0, -1, 1.5, 2**31, 10**11, -(10**11)]),
)


def shape_strategy(shape, known: list[str], depth: int = 0, tame: bool = False) -> st.SearchStrategy:
    t = shape.type_name
    md = shape.metadata
    if t == "string":
        return tame_string(shape, known) if tame else string(shape, known)
    if t in ("integer", "long", "double", "float"):
        if tame:
            low, high = md.get("min", 1), md.get("max", 100)
            return st.integers(low, high) if t in ("integer", "long") else st.floats(-1e6, 1e6)
        return numbers(shape)
    if t == "boolean":
        return st.booleans()
    if t == "timestamp":
        return st.just(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)) if tame else TIMESTAMPS
    if t == "blob":
        return st.binary(max_size=20)
    if t == "list":
        low = md.get("min", 0)
        top = max(low, 1) if tame else min(md.get("max", 4) + 1, 6 if depth else 52)
        return st.lists(shape_strategy(shape.member, known, depth + 1, tame), min_size=low if tame else 0,
                        max_size=top)  # fmt: skip
    if t == "map":
        top = 2 if tame else min(md.get("max", 4) + 1, 32)
        return st.dictionaries(
            shape_strategy(shape.key, known, depth + 1, tame),
            shape_strategy(shape.value, known, depth + 1, tame),
            max_size=top,
        )
    if t == "structure":
        return structure(shape, known, depth, tame)
    raise AssertionError(f"unhandled shape type {t}")


def structure(shape, known: list[str], depth: int = 0, tame: bool = False) -> st.SearchStrategy:
    required = set(shape.required_members)
    members = {name: shape_strategy(m, known, depth + 1, tame) for name, m in shape.members.items()}

    @st.composite
    def build(draw):
        out = {}
        for name, strategy in members.items():
            if name in required:
                wanted = tame or draw(st.integers(0, 19)) != 0  # now and then a required member is missing
            else:
                wanted = draw(st.integers(0, 3)) == 0 if tame else draw(st.booleans())
            if wanted:
                out[name] = draw(strategy)
        return out

    return build()


def request(operation: str, known: list[str]) -> st.SearchStrategy:
    """Keyword arguments for ``client.<operation>(**kwargs)``: wild, or tame (mostly valid) a third
    of the time, so that operations also get past validation."""
    shape = service_model().operation_model(operation).input_shape
    if shape is None:
        return st.just({})
    return st.one_of(structure(shape, known), structure(shape, known), structure(shape, known, tame=True))


def allowed_errors(operation: str) -> set[str]:
    """The error codes SageMaker's model declares for ``operation``, plus ValidationException."""
    model = service_model().operation_model(operation)
    return {s.name for s in model.error_shapes} | {"ValidationException"}
