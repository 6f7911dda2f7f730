"""Search for Experiment, ExperimentTrial and ExperimentTrialComponent, as SageMaker answers it.

Each entity becomes its ``SearchRecord`` document (the ``Experiment``, ``Trial`` or
``TrialComponent`` shape of botocore's model); a ``SearchExpression`` is compiled against that shape
once (property names, operators and value types checked there, never per record) and evaluated on
every document. Property paths follow the model: structure members by name (case-insensitive, as
``metrics.test:accuracy.max`` in SageMaker's examples), map keys (``Parameters.lr``,
``InputArtifacts.data.Value``), and lists of keyed structures by their key (``Tags.team``,
``Metrics.train:loss.Min``; a metric without a statistic is its ``Last`` value). A list of
structures filtered by a member (``Parents.TrialName``) matches when any element does; a
``NestedFilters`` entry asks one element to satisfy all its filters.

Sorting takes a path the same way (default ``LastModifiedTime``, ``Descending``); records without
the property come last. Pages are keyset-paginated: the ``NextToken`` holds the last record's sort
key and a digest of the request it belongs to.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime, timezone
from functools import cache

from ..sagemaker import service_model
from .common import COMPONENT, EXPERIMENT, TRIAL, Entity, Txn, decode_token, encode_token
from .errors import ServiceFault, validation
from .experiments import component_document, experiment_document, trial_document
from .metrics import summaries_of

RESOURCES = {"Experiment": EXPERIMENT, "ExperimentTrial": TRIAL, "ExperimentTrialComponent": COMPONENT}
RECORD_MEMBER = {EXPERIMENT: "Experiment", TRIAL: "Trial", COMPONENT: "TrialComponent"}
MAX_ELEMENTS = 20  # Filters + NestedFilters + SubExpressions of one SearchExpression
MAX_RECURSIVE = 50  # all of them in the whole expression
DEFAULT_SORT = "LastModifiedTime"
# Names on which Contains may appear more than once (the Filter documentation of the model)
MULTI_CONTAINS = {"displayname", "experimentname", "trialname", "trialcomponentname", "tags",
                  "inputartifacts", "outputartifacts"}  # fmt: skip
_KEY_MEMBERS = ("Key", "MetricName", "Name")  # the member a list of structures is keyed by
_LEAF_MEMBERS = ("Value", "Last")  # what a keyed element is compared by when the path ends at it
_NUMERIC = {"GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo"}
_TEXT_ONLY = {"In", "Contains"}
_NUMBER_TYPES = {"double", "float", "integer", "long"}


def _kind(shape) -> str:
    """text | number | time | bool | any (a structure of alternatives such as a parameter value)."""
    t = shape.type_name
    if t == "string":
        return "text"
    if t in _NUMBER_TYPES:
        return "number"
    if t == "timestamp":
        return "time"
    if t == "boolean":
        return "bool"
    return "any"


def _member(shape, name: str):
    """The member of a structure shape named ``name`` (case-insensitively), or None."""
    lowered = name.lower()
    for member in shape.members:
        if member.lower() == lowered:
            return member
    return None


def _key_member(shape) -> str | None:
    return next((m for m in _KEY_MEMBERS if m in shape.members), None)


# Compiled paths ------------------------------------------------------------------------------------
class Path:
    """A property path compiled against a record shape: ``values(doc)`` lists the values it reaches."""

    def __init__(self, name: str, shape, shown: str | None = None):
        self.name = shown or name  # the name as the request wrote it (a nested filter's in full)
        segments = name.split(".")
        if not all(segments):
            raise validation(f"'{self.name}' is not a valid property name.")
        self.kind = _leaf_kind(shape, segments, self.name)
        self.root = shape
        self.segments = segments

    def values(self, doc) -> list:
        return list(_walk(self.root, doc, self.segments))


def _unknown(name: str) -> Exception:
    return validation(f"Unknown property name '{name}' in the search request.")


def _leaf_kind(shape, segments: list[str], name: str) -> str:
    """Check ``segments`` against ``shape``; the kind of value the path ends at."""
    if not segments:
        if shape.type_name == "structure":
            leaf = next((m for m in _LEAF_MEMBERS if m in shape.members), None)
            return _kind(shape.members[leaf]) if leaf else "any"
        if shape.type_name == "list":
            return _leaf_kind(shape.member, [], name)
        return _kind(shape)
    head, rest = segments[0], segments[1:]
    t = shape.type_name
    if t == "structure":
        member = _member(shape, head)
        if member is None:
            raise _unknown(name)
        return _leaf_kind(shape.members[member], rest, name)
    if t == "map":  # the key may hold dots: any split that leaves a valid rest
        for cut in range(1, len(segments) + 1):
            try:
                return _leaf_kind(shape.value, segments[cut:], name)
            except ServiceFault:  # try a longer key
                continue
        raise _unknown(name)
    if t == "list":
        element = shape.member
        if element.type_name == "structure" and _member(element, head) is not None:
            return _leaf_kind(element, segments, name)
        if element.type_name == "structure" and _key_member(element):
            for cut in range(1, len(segments) + 1):
                try:
                    return _leaf_kind(element, segments[cut:], name)
                except ServiceFault:  # try a longer key
                    continue
        raise _unknown(name)
    raise _unknown(name)


def _walk(shape, value, segments: list[str]):
    """The values ``segments`` reach in ``value`` (a document of ``shape``)."""
    if value is None:
        return
    if not segments:
        if shape.type_name == "structure":
            leaf = next((m for m in _LEAF_MEMBERS if m in shape.members), None)
            if leaf:
                if value.get(leaf) is not None:
                    yield value[leaf]
            elif "NumberValue" in value:  # a parameter value: its number, else its text
                yield value["NumberValue"]
            elif "StringValue" in value:
                yield value["StringValue"]
            elif value:
                yield value
        elif shape.type_name == "list":
            for item in value:
                yield from _walk(shape.member, item, [])
        else:
            yield value
        return
    head = segments[0]
    t = shape.type_name
    if t == "structure":
        member = _member(shape, head)
        if member is not None:
            yield from _walk(shape.members[member], value.get(member), segments[1:])
    elif t == "map":
        for cut in range(len(segments), 0, -1):
            key = ".".join(segments[:cut])
            if key in value:
                yield from _walk(shape.value, value[key], segments[cut:])
                return
    elif t == "list":
        element = shape.member
        if element.type_name == "structure" and _member(element, head) is not None:
            for item in value:
                yield from _walk(element, item, segments)
            return
        key_member = _key_member(element)
        for cut in range(len(segments), 0, -1):
            key = ".".join(segments[:cut])
            found = [item for item in value if item.get(key_member) == key]
            if found:
                for item in found:
                    yield from _walk(element, item, segments[cut:])
                return


# Values ----------------------------------------------------------------------------------------
def _number(text: str, name: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isnan(number):
        raise validation(f"The value '{text}' of the filter on '{name}' is not a number.")
    return number


def _time(text: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise validation(
            f"The value '{text}' of the filter on '{name}' is not a date-time; use ISO 8601 "
            "(YYYY-mm-ddTHH:MM:SS)."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


class Condition:
    """One Filter, compiled: ``test(doc)``."""

    def __init__(self, f: dict, shape, prefix: str = ""):
        name = f["Name"]
        self.name = name
        operator = f.get("Operator") or "Equals"
        self.operator = operator
        full = name
        if prefix:  # inside NestedFilters: the name starts with the nested property's
            if not name.lower().startswith(prefix.lower() + "."):
                raise validation(
                    f"The filter name '{name}' must start with the nested property name '{prefix}'."
                )
            name = name[len(prefix) + 1 :]
        self.path = Path(name, shape, shown=full)
        kind = self.path.kind
        value = f.get("Value")
        if operator in ("Exists", "NotExists"):
            self.target = None
            return
        if value is None:
            raise validation(f"The filter on '{full}' with operator {operator} needs a Value.")
        if operator in _NUMERIC and kind == "text":
            raise validation(f"The operator {operator} is not supported for the text property '{full}'.")
        if operator in _TEXT_ONLY and kind in ("number", "time", "bool"):
            raise validation(
                f"The operator {operator} is only supported for text properties, not for '{full}'."
            )
        if kind == "number":
            self.target = _number(value, full)
        elif kind == "time":
            self.target = _time(value, full)
        elif kind == "bool":
            if value.lower() not in ("true", "false"):
                raise validation(f"The value '{value}' of the filter on '{full}' is not true or false.")
            self.target = value.lower() == "true"
        elif operator == "In":
            self.target = [v.strip() for v in value.split(",")]
        else:
            self.target = value
        self.number = None  # a property of either kind (a parameter): compared as a number when both are
        if kind == "any" and operator in _NUMERIC:
            self.number = _number(value, full)
        elif kind == "any" and operator == "In":
            self.number = [n for n in map(_float_or_none, self.target) if n is not None]
        elif kind == "any":
            self.number = _float_or_none(value)

    def _one(self, got, op: str) -> bool:
        target = self.target
        if isinstance(got, bool) or isinstance(target, bool):
            return op in ("Equals", "In") and got == target
        numeric = isinstance(got, (int, float))
        if self.path.kind == "any":
            if numeric:
                if self.number is None:
                    return False
                target = self.number
            elif op in _NUMERIC:
                return False
        if op == "Equals":
            return got == target
        if op == "In":
            return got in target
        if op == "Contains":
            return isinstance(got, str) and target in got
        if not numeric:
            return False
        if op == "GreaterThan":
            return got > target
        if op == "GreaterThanOrEqualTo":
            return got >= target
        if op == "LessThan":
            return got < target
        return got <= target  # LessThanOrEqualTo

    def test(self, doc) -> bool:
        values = self.path.values(doc)
        if self.operator == "Exists":
            return bool(values)
        if self.operator == "NotExists":
            return not values
        if self.operator == "NotEquals":
            return not any(self._one(v, "Equals") for v in values)
        return any(self._one(v, self.operator) for v in values)


class Nested:
    """One NestedFilters entry: some element of a list property satisfies every filter."""

    def __init__(self, n: dict, shape):
        name = n["NestedPropertyName"]
        member = _member(shape, name) if shape.type_name == "structure" else None
        if member is None or shape.members[member].type_name != "list":
            raise validation(f"'{name}' is not a nested (list) property of this resource.")
        self.member = member
        element = shape.members[member].member
        self.conditions = [Condition(f, element, prefix=name) for f in n["Filters"]]

    def test(self, doc) -> bool:
        return any(all(c.test(item) for c in self.conditions) for item in doc.get(self.member) or [])


class Expression:
    """A SearchExpression, compiled: ``test(doc)``."""

    def __init__(self, e: dict, shape, counts: dict):
        filters = e.get("Filters") or []
        nested = e.get("NestedFilters") or []
        subs = e.get("SubExpressions") or []
        elements = len(filters) + len(nested) + len(subs)
        if not elements:
            raise validation(
                "A SearchExpression must specify at least one subexpression, filter, or nested filter."
            )
        if elements > MAX_ELEMENTS:
            raise validation(
                f"A SearchExpression can contain up to {MAX_ELEMENTS} elements (filters, nested filters and "
                f"subexpressions); this one has {elements}."
            )
        counts["elements"] += elements
        if counts["elements"] > MAX_RECURSIVE:
            raise validation(
                f"The maximum number of recursive SubExpressions, NestedFilters, and Filters in a "
                f"SearchExpression is {MAX_RECURSIVE}."
            )
        self.any = e.get("Operator", "And") == "Or"
        self.parts: list = [Condition(f, shape) for f in filters]
        self.parts += [Nested(n, shape) for n in nested]
        for n in nested:
            for f in n["Filters"]:
                _count_contains(f, counts)
        for f in filters:
            _count_contains(f, counts)
        self.parts += [Expression(s, shape, counts) for s in subs]

    def test(self, doc) -> bool:
        if self.any:
            return any(p.test(doc) for p in self.parts)
        return all(p.test(doc) for p in self.parts)


def _count_contains(f: dict, counts: dict) -> None:
    if f.get("Operator") != "Contains":
        return
    if f["Name"].split(".")[0].lower() in MULTI_CONTAINS:
        return
    counts["contains"] += 1
    if counts["contains"] > 1:
        raise validation("'CONTAINS' operator usage limit of 1 exceeded.")


# Records ---------------------------------------------------------------------------------------
@cache
def record_shape(kind: int):
    return service_model().shape_for(RECORD_MEMBER[kind])


def _tags(t: Txn, kind: int) -> dict[int, list]:
    out: dict[int, list] = {}
    for entity, key, value in t.conn.execute(
        "SELECT tag.entity, tag.key, tag.value FROM tag JOIN entity e ON e.id = tag.entity WHERE e.kind = ? "
        "ORDER BY tag.entity, tag.seq",
        (kind,),
    ):
        out.setdefault(entity, []).append({"Key": key, "Value": value})
    return out


def _names(t: Txn) -> dict[int, str]:
    kinds = (EXPERIMENT, TRIAL)
    return dict(t.conn.execute("SELECT id, name FROM entity WHERE kind IN (?, ?)", kinds).fetchall())


def _put(doc: dict, member: str, items: list | None) -> None:
    """Set a list member when it has items (SageMaker omits what is empty)."""
    if items:
        doc[member] = items


def records(t: Txn, kind: int) -> list[tuple[Entity, dict]]:
    """Every entity of ``kind`` with its SearchRecord document (read in a few queries)."""
    rows = t.conn.execute(
        "SELECT id, kind, arn, name, type, atype, source_uri, status, created, modified, manual, parent, doc "
        "FROM entity WHERE kind = ?",
        (kind,),
    ).fetchall()
    entities = [Entity.from_row(row) for row in rows]
    tags = _tags(t, kind)
    out = []
    if kind == EXPERIMENT:
        for e in entities:
            doc = experiment_document(e)
            _put(doc, "Tags", tags.get(e.id))
            out.append((e, doc))
        return out
    names = _names(t)
    if kind == TRIAL:
        members: dict[int, list] = {}
        for trial, carn, cname, ccreated, cdoc in t.conn.execute(
            "SELECT m.trial, c.arn, c.name, c.created, c.doc FROM member m JOIN entity c "
            "ON c.id = m.component ORDER BY m.created"
        ):
            source = json.loads(cdoc).get("Source")
            summary = {"TrialComponentName": cname, "TrialComponentArn": carn, "CreationTime": ccreated}
            if source:
                summary["TrialComponentSource"] = source
            members.setdefault(trial, []).append(summary)
        for e in entities:
            doc = trial_document(e, names.get(e.parent))
            _put(doc, "Tags", tags.get(e.id))
            _put(doc, "TrialComponentSummaries", members.get(e.id))
            out.append((e, doc))
        return out
    trial_parent = dict(t.conn.execute("SELECT id, parent FROM entity WHERE kind = ?", (TRIAL,)).fetchall())
    parents: dict[int, list[int]] = {}
    for trial, component in t.conn.execute("SELECT trial, component FROM member ORDER BY created"):
        parents.setdefault(component, []).append(trial)
    metrics = summaries_of(t.conn, [e.id for e in entities])
    for e in entities:
        doc = component_document(e)
        for member in ("Parameters", "InputArtifacts", "OutputArtifacts"):  # always maps in a record
            doc.setdefault(member, {})
        _put(doc, "Metrics", metrics.get(e.id))
        _put(doc, "Tags", tags.get(e.id))
        _put(
            doc,
            "Parents",
            [
                {"TrialName": names.get(trial), "ExperimentName": names.get(trial_parent.get(trial))}
                for trial in parents.get(e.id, [])
            ],
        )
        out.append((e, doc))
    return out


# Search ----------------------------------------------------------------------------------------
def _sort_key(path: Path | None, doc: dict, entity: Entity) -> list:
    """``[missing, type rank, value, id]``: comparable across records and storable in a token."""
    if path is None:
        return [0, 0, entity.modified, entity.id]
    values = path.values(doc)
    if not values:
        return [1, 0, 0, entity.id]
    value = values[0]
    if isinstance(value, bool):
        return [0, 0, int(value), entity.id]
    if isinstance(value, (int, float)):
        return [0, 0, value, entity.id]
    if isinstance(value, str):
        return [0, 1, value, entity.id]
    return [0, 2, json.dumps(value, sort_keys=True), entity.id]


def _after(key: list, mark: list, descending: bool) -> bool:
    """Whether ``key`` comes after ``mark`` in the result order."""
    if key[0] != mark[0]:
        return key[0] > mark[0]
    a, b = tuple(key[1:]), tuple(mark[1:])
    return a < b if descending else a > b


def search(t: Txn, p: dict) -> dict:
    resource = p["Resource"]
    kind = RESOURCES.get(resource)
    if kind is None:
        raise validation(
            f"Search of {resource} is not supported by the local lineage service; it searches "
            f"{', '.join(RESOURCES)} only."
        )
    shape = record_shape(kind)
    counts = {"elements": 0, "contains": 0}
    expression = Expression(p["SearchExpression"], shape, counts) if "SearchExpression" in p else None
    conditions = []
    for condition in p.get("VisibilityConditions") or []:  # tag conditions: Tags.KEY equals VALUE
        if condition.get("Key"):
            conditions.append(
                Condition({"Name": condition["Key"], "Value": condition.get("Value") or ""}, shape)
            )
    sort_by = p.get("SortBy") or DEFAULT_SORT
    path = None if sort_by == DEFAULT_SORT else Path(sort_by, shape)
    descending = p.get("SortOrder", "Descending") == "Descending"
    limit = p.get("MaxResults") or 10
    digest = hashlib.sha256(
        json.dumps([resource, p.get("SearchExpression"), sort_by, descending, p.get("VisibilityConditions")],
                   sort_keys=True).encode()
    ).hexdigest()[:16]  # fmt: skip
    scope = f"Search:{digest}"
    mark = None
    if p.get("NextToken"):
        mark = decode_token(p["NextToken"], scope)
        if len(mark) != 4:
            raise validation("Invalid pagination token: the NextToken was not issued for this request.")
    if p.get("CrossAccountFilterOption") == "CrossAccount":  # nothing is shared with a local account
        return {"Results": [], "TotalHits": {"Value": 0, "Relation": "EqualTo"}}
    found = []
    for entity, doc in records(t, kind):
        if expression is not None and not expression.test(doc):
            continue
        if not all(c.test(doc) for c in conditions):
            continue
        found.append((_sort_key(path, doc, entity), doc))
    found.sort(key=lambda item: tuple(item[0][1:]), reverse=descending)
    found.sort(key=lambda item: item[0][0])  # stable: records without the property last
    total = len(found)
    if mark is not None:
        found = [item for item in found if _after(item[0], mark, descending)]
    page = found[:limit]
    member = RECORD_MEMBER[kind]
    out: dict = {
        "Results": [{member: doc} for _, doc in page],
        "TotalHits": {"Value": total, "Relation": "EqualTo"},
    }
    if len(found) > limit:
        out["NextToken"] = encode_token([scope, *page[-1][0]])
    return out


HANDLERS = {"Search": (search, False)}
