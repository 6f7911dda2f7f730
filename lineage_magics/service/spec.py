"""SageMaker's request constraints, read at run time from the installed botocore service model.

botocore checks required members, types and minimums on the client; the service checks what is
left (``max``, ``pattern``, ``enum``) and answers ``ValidationException`` in AWS's message style.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from ..sagemaker import metrics_model, service_model
from .errors import serialization, validation

_JSON_TYPES = {
    "string": str,
    "integer": int,
    "long": int,
    "boolean": bool,
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float),
    "list": list,
    "map": dict,
    "structure": dict,
    "blob": str,
}

_UNICODE_CLASS = re.compile(r"\\p\{(\w+)\}")
_SIMPLE_CLASS_PATTERN = re.compile(r"^\(?\[((?:\\p\{\w+\}|\\.|[^\]\\])*)\]\*\)?$")


def _unicode_predicate(pattern: str) -> Callable[[str], bool]:
    """A matcher for ``([\\p{L}\\p{Z}...literals]*)``: Python's ``re`` has no ``\\p{..}`` classes."""
    found = _SIMPLE_CLASS_PATTERN.match(pattern)
    if not found:
        raise ValueError(f"unsupported Unicode pattern in the service model: {pattern}")
    body = found.group(1)
    categories = tuple(_UNICODE_CLASS.findall(body))
    rest = _UNICODE_CLASS.sub("", body)
    literals = set(re.sub(r"\\(.)", r"\1", rest))

    def match(value: str) -> bool:
        return all(ch in literals or unicodedata.category(ch).startswith(categories) for ch in value)

    return match


_JAVA_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"  # Java's ``.`` matches no line terminator


def _java_dots(pattern: str) -> str:
    """``pattern`` with each ``.`` outside a character class made Java's (no ``\\r``, ``\\x85``, ``\\u2028``...)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":  # a leading ] is literal
                out.append(pattern[i : i + (2 if pattern[i + 1] == "]" else 3)])
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif ch == ".":
            ch = _JAVA_DOT
        out.append(ch)
        i += 1
    return "".join(out)


@cache
def matcher(pattern: str) -> Callable[[str], bool]:
    """A full-match predicate for one model pattern (Java regex semantics: ASCII ``\\w``, ``.``
    matching no line terminator)."""
    if "\\p{" in pattern:
        return _unicode_predicate(pattern)
    compiled = re.compile(_java_dots(pattern), re.ASCII)
    return lambda value: compiled.fullmatch(value) is not None


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _render(value) -> str:
    """A value as AWS's messages quote it, control characters as ``\\uXXXX`` (one line, no escapes
    sequences reaching a terminal)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_render(k)}={_render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", str(value))


def _scalar_problems(shape, value) -> list[str]:
    md = shape.metadata
    problems = []
    type_name = shape.type_name
    if type_name in ("string", "list", "map") and "min" in md and len(value) < md["min"]:
        problems.append(f"Member must have length greater than or equal to {md['min']}")
    if type_name in ("integer", "long") and "min" in md and value < md["min"]:
        problems.append(f"Member must have value greater than or equal to {md['min']}")
    if type_name == "string" and isinstance(value, str):
        if "max" in md and len(value) > md["max"]:
            problems.append(f"Member must have length less than or equal to {md['max']}")
        if shape.enum and value not in shape.enum:
            problems.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        if "pattern" in md and not matcher(md["pattern"])(value):
            problems.append(f"Member must satisfy regular expression pattern: {md['pattern']}")
    elif type_name in ("integer", "long") and isinstance(value, int):
        if "max" in md and value > md["max"]:
            problems.append(f"Member must have value less than or equal to {md['max']}")
    elif type_name in ("list", "map") and isinstance(value, (list, dict)):
        if "max" in md and len(value) > md["max"]:
            problems.append(f"Member must have length less than or equal to {md['max']}")
    return problems


_SPECIAL_FLOATS = ("NaN", "Infinity", "-Infinity")  # how botocore (Smithy's JSON protocols) sends them


def _typecheck(shape, value, path: str) -> None:
    expected = _JSON_TYPES.get(shape.type_name)
    if shape.type_name in ("double", "float") and value in _SPECIAL_FLOATS:
        return
    if expected and (
        not isinstance(value, expected) or (isinstance(value, bool) and shape.type_name != "boolean")
    ):
        raise serialization(f"Unexpected value type for '{path}': expected {shape.type_name}.")


def _check(shape, value, path: str, errors: list[str]) -> None:
    if value is None:
        return
    _typecheck(shape, value, path)
    for problem in _scalar_problems(shape, value):
        errors.append(f"Value '{_render(value)}' at '{path}' failed to satisfy constraint: {problem}")
    type_name = shape.type_name
    if type_name == "structure" and isinstance(value, dict):
        for name in shape.required_members:
            if value.get(name) is None:
                where = f"{path}.{_camel(name)}" if path else _camel(name)
                errors.append(
                    f"Value null at '{where}' failed to satisfy constraint: Member must not be null"
                )
        for name, member in shape.members.items():
            if name in value:
                _check(member, value[name], f"{path}.{_camel(name)}" if path else _camel(name), errors)
    elif type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value, 1):
            _check(shape.member, item, f"{path}.{index}.member", errors)
    elif type_name == "map" and isinstance(value, dict):
        key_problems, value_problems = [], []
        for key, item in value.items():
            _typecheck(shape.key, key, path)
            if item is not None:
                _typecheck(shape.value, item, f"{path}.{key}")
            key_problems += [p for p in _scalar_problems(shape.key, key) if p not in key_problems]
            if shape.value.type_name in ("string", "integer", "long"):
                value_problems += [p for p in _scalar_problems(shape.value, item) if p not in value_problems]
            else:
                _check(shape.value, item, f"{path}.{key}", errors)
        if key_problems:
            errors.append(
                f"Value '{_render(value)}' at '{path}' failed to satisfy constraint: "
                f"Map keys must satisfy constraint: [{', '.join(key_problems)}]"
            )
        if value_problems:
            errors.append(
                f"Value '{_render(value)}' at '{path}' failed to satisfy constraint: "
                f"Map value must satisfy constraint: [{', '.join(value_problems)}]"
            )


def validate(operation: str, params: dict) -> None:
    """Raise ``ValidationException`` listing every max/pattern/enum violation in ``params``."""
    model = service_model()
    if operation not in model.operation_names:
        model = metrics_model()
    shape = model.operation_model(operation).input_shape
    if shape is None:
        return
    errors: list[str] = []
    _check(shape, params, "", errors)
    if errors:
        count = len(errors)
        noun = "validation error" if count == 1 else "validation errors"
        raise validation(f"{count} {noun} detected: " + "; ".join(errors))
