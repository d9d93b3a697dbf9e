"""The criteria body of `POST /api/search/order`, validated and compiled into predicates.

Supported keys: page, limit, ids, term, filter, post-filter, sort, associations (nested, also
dotted names), includes, aggregations (max/min/sum/avg/count) and total-count-mode. Filter
types: equals, equalsAny, contains, prefix, suffix, range (gte/lte/gt/lt), multi (AND/OR),
not. Unknown keys are ignored as Shopware ignores them. Every problem is collected with a
JSON pointer into the body and answered as one 400 (Shopware's SearchRequestException
lists all of them); the error codes are Shopware's names where known, UNCONFIRMED otherwise.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from app.sandbox.shopware.fields import DATE, NUMBER, Field, UnknownField, resolve
from app.sandbox.shopware.model import Order

Predicate = Callable[[Order], bool]
Tree = dict[str, "Tree"]

INVALID_FILTER = "FRAMEWORK__INVALID_FILTER_QUERY"
INVALID_SORT = "FRAMEWORK__INVALID_SORT_QUERY"
INVALID_LIMIT = "FRAMEWORK__INVALID_LIMIT_QUERY"
INVALID_PAGE = "FRAMEWORK__INVALID_PAGE_QUERY"
INVALID_IDS = "FRAMEWORK__INVALID_CRITERIA_IDS"  # UNCONFIRMED
INVALID_AGGREGATION = "FRAMEWORK__INVALID_AGGREGATION_QUERY"
INVALID_TOTAL_COUNT = "FRAMEWORK__INVALID_TOTAL_COUNT_MODE"  # UNCONFIRMED
UNMAPPED_FIELD = "FRAMEWORK__UNMAPPED_FIELD"
ASSOCIATION_NOT_FOUND = "FRAMEWORK__ASSOCIATION_NOT_FOUND"  # UNCONFIRMED
INVALID_INCLUDES = "FRAMEWORK__INVALID_INCLUDES_QUERY"  # UNCONFIRMED

HEX_ID = re.compile(r"^[0-9a-f]{32}$")
TOTAL_COUNT_MODES = {0: 0, 1: 1, 2: 2, "0": 0, "1": 1, "2": 2, "none": 0, "exact": 1, "next-pages": 2}
AGGREGATIONS = ("max", "min", "sum", "avg", "count")
_RANGE_OPS = {"gte": operator.ge, "lte": operator.le, "gt": operator.gt, "lt": operator.lt}


@dataclass(frozen=True)
class Problem:
    code: str
    detail: str
    pointer: str


class CriteriaError(ValueError):
    """The body cannot be a criteria; args[0] is the list of problems (-> 400)."""


@dataclass(frozen=True)
class Aggregation:
    name: str
    kind: str
    field: Field


@dataclass
class Criteria:
    page: int = 1
    limit: int | None = None
    total_count_mode: int = 0
    predicate: Predicate | None = None  # filter, ids and term together
    post_predicate: Predicate | None = None
    sorts: list[tuple[Field, bool]] = field(default_factory=list)  # (field, descending)
    associations: Tree = field(default_factory=dict)
    includes: dict[str, frozenset[str]] = field(default_factory=dict)
    aggregations: list[Aggregation] = field(default_factory=list)
    key: str = ""  # what selects and orders the rows: equal keys give equal row lists

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit if self.limit else 0


def parse_date(raw: object) -> int:
    """ISO-8601 (`T` or space, offset optional = UTC) or a bare date, to epoch ms."""
    if not isinstance(raw, str):
        raise ValueError(f"{raw!r} is not a date")
    text = raw.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp() * 1000)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(round(parsed.timestamp() * 1000))


class _Parser:
    def __init__(self, fields: dict[str, Field], associations: Tree, max_limit: int | None) -> None:
        self.fields = fields
        self.allowed = associations
        self.max_limit = max_limit
        self.problems: list[Problem] = []

    def fail(self, code: str, detail: str, pointer: str) -> None:
        self.problems.append(Problem(code, detail, pointer))

    def field(self, path: object, pointer: str) -> Field | None:
        try:
            return resolve(self.fields, path)
        except UnknownField:
            self.fail(UNMAPPED_FIELD, f'Field "{path}" in entity "order" was not found.', pointer)
            return None

    # -- scalars ---------------------------------------------------------------------
    def positive(self, body: dict, key: str, code: str, default: int | None) -> int | None:
        raw = body.get(key, default)
        if raw is None:
            return None
        value = int(raw) if isinstance(raw, str) and raw.isdigit() else raw
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(code, f'The {key} parameter must be a positive integer greater or equals than 1.', f"/{key}")
            return default
        return value

    def value(self, fld: Field, raw: object, pointer: str) -> Any:
        if raw is None:
            return None
        try:
            if fld.kind == DATE:
                return parse_date(raw)
            if fld.kind == NUMBER:
                if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
                    raise ValueError
                return float(raw)
        except ValueError:
            self.fail(INVALID_FILTER, f'Value {json.dumps(raw)[:60]} does not fit field "{fld.path}".', pointer)
            return None
        if isinstance(raw, (dict, list)):
            self.fail(INVALID_FILTER, f'Value for field "{fld.path}" must be a scalar.', pointer)
            return None
        return str(raw).lower() if isinstance(raw, bool) else str(raw)

    # -- filters ----------------------------------------------------------------------
    def filters(self, raw: object, pointer: str) -> Predicate | None:
        if raw is None:
            return None
        if not isinstance(raw, list):
            self.fail(INVALID_FILTER, "The filter parameter has to be a list of filters.", pointer)
            return None
        parts = [self.filter(node, f"{pointer}/{i}") for i, node in enumerate(raw)]
        return _all([p for p in parts if p is not None])

    def filter(self, node: object, pointer: str) -> Predicate | None:
        if not isinstance(node, dict):
            self.fail(INVALID_FILTER, "A filter must be an object.", pointer)
            return None
        kind = node.get("type")
        if kind in ("multi", "not"):
            operator_name = str(node.get("operator", "and")).lower()
            queries = node.get("queries")
            if operator_name not in ("and", "or") or not isinstance(queries, list) or not queries:
                self.fail(INVALID_FILTER, f'A {kind} filter needs "operator" AND or OR and a list of "queries".',
                          pointer)
                return None
            parts = [self.filter(q, f"{pointer}/queries/{i}") for i, q in enumerate(queries)]
            if any(p is None for p in parts):
                return None
            combined = _all(parts) if operator_name == "and" else _any(parts)  # type: ignore[arg-type]
            return (lambda o: not combined(o)) if kind == "not" else combined
        if kind not in ("equals", "equalsAny", "contains", "prefix", "suffix", "range"):
            self.fail(INVALID_FILTER, f'Unsupported filter type "{kind}".', f"{pointer}/type")
            return None
        fld = self.field(node.get("field"), f"{pointer}/field")
        if fld is None:
            return None
        test = self.test(kind, fld, node, pointer)
        if test is None:
            return None
        get = fld.get
        if fld.many:
            if kind == "equals" and node.get("value") is None:  # LEFT JOIN: no row counts as null
                return lambda o: (not (values := get(o))) or any(v is None for v in values)
            return lambda o: any(test(v) for v in get(o))
        return lambda o: test(get(o))

    def test(self, kind: str, fld: Field, node: dict, pointer: str) -> Callable[[Any], bool] | None:
        if kind == "range":
            params = node.get("parameters")
            if not isinstance(params, dict) or not params or set(params) - set(_RANGE_OPS):
                self.fail(INVALID_FILTER, 'A range filter needs "parameters" with gte, lte, gt or lt.',
                          f"{pointer}/parameters")
                return None
            bounds = [(_RANGE_OPS[op], self.value(fld, raw, f"{pointer}/parameters/{op}"))
                      for op, raw in params.items()]
            if any(bound is None for _, bound in bounds):
                return None
            if len(bounds) == 1:
                (compare, bound), = bounds
                return lambda v: v is not None and compare(v, bound)
            return lambda v: v is not None and all(compare(v, bound) for compare, bound in bounds)
        raw = node.get("value")
        if kind == "equalsAny":
            items = raw.split("|") if isinstance(raw, str) else raw
            if not isinstance(items, list) or not items:
                self.fail(INVALID_FILTER, 'An equalsAny filter needs a list of values.', f"{pointer}/value")
                return None
            wanted = {self.value(fld, item, f"{pointer}/value") for item in items}
            return lambda v: v in wanted
        if kind == "equals":
            expected = self.value(fld, raw, f"{pointer}/value")
            return lambda v: v == expected
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool) or raw == "":
            self.fail(INVALID_FILTER, f'A {kind} filter needs a text value.', f"{pointer}/value")
            return None
        needle = str(raw).casefold()  # MySQL's *_ci collations compare case-insensitively
        if kind == "contains":
            return lambda v: v is not None and needle in str(v).casefold()
        if kind == "prefix":
            return lambda v: v is not None and str(v).casefold().startswith(needle)
        return lambda v: v is not None and str(v).casefold().endswith(needle)

    # -- the rest -----------------------------------------------------------------------
    def sorts(self, raw: object) -> list[tuple[Field, bool]]:
        if raw is None:
            return []
        if isinstance(raw, str):  # the query-string form: "-createdAt,orderNumber"
            raw = [{"field": part.lstrip("-"), "order": "DESC" if part.startswith("-") else "ASC"}
                   for part in raw.split(",") if part]
        if not isinstance(raw, list):
            self.fail(INVALID_SORT, "The sort parameter has to be a list of sortings.", "/sort")
            return []
        out = []
        for i, node in enumerate(raw):
            order = str(node.get("order", "ASC")).upper() if isinstance(node, dict) else None
            if order not in ("ASC", "DESC"):
                self.fail(INVALID_SORT, 'A sorting needs a "field" and an "order" of ASC or DESC.', f"/sort/{i}")
                continue
            fld = self.field(node.get("field"), f"/sort/{i}/field")
            if fld is not None:
                out.append((fld, order == "DESC"))
        return out

    def associations(self, raw: object, allowed: Tree, pointer: str) -> Tree:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fail(ASSOCIATION_NOT_FOUND, "The associations parameter has to be an object.", pointer)
            return {}
        tree: Tree = {}
        for dotted, nested in raw.items():
            name, _, rest = dotted.partition(".")
            if name not in allowed:
                self.fail(ASSOCIATION_NOT_FOUND, f'Can not find association by name "{dotted}".', f"{pointer}/{dotted}")
                continue
            sub = tree.setdefault(name, {})
            inner = nested.get("associations") if isinstance(nested, dict) else None
            if rest:
                inner = {rest: nested if isinstance(nested, dict) else {}}
            _merge(sub, self.associations(inner, allowed[name], f"{pointer}/{dotted}/associations"))
        return tree

    def includes(self, raw: object) -> dict[str, frozenset[str]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in raw.values()
        ):
            self.fail(INVALID_INCLUDES, "The includes parameter has to be an object of field name lists.",
                      "/includes")
            return {}
        return {alias: frozenset(names) for alias, names in raw.items()}

    def aggregations(self, raw: object) -> list[Aggregation]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail(INVALID_AGGREGATION, "The aggregations parameter has to be a list.", "/aggregations")
            return []
        out = []
        for i, node in enumerate(raw):
            if not isinstance(node, dict) or not isinstance(node.get("name"), str) or not node["name"]:
                self.fail(INVALID_AGGREGATION, 'An aggregation needs a "name".', f"/aggregations/{i}/name")
                continue
            if node.get("type") not in AGGREGATIONS:
                self.fail(INVALID_AGGREGATION, f'Unsupported aggregation type "{node.get("type")}".',
                          f"/aggregations/{i}/type")
                continue
            fld = self.field(node.get("field"), f"/aggregations/{i}/field")
            if fld is not None:
                out.append(Aggregation(node["name"], node["type"], fld))
        return out

    def ids(self, raw: object) -> Predicate | None:
        if raw is None:
            return None
        ids = raw.split("|") if isinstance(raw, str) else raw
        if not isinstance(ids, list) or not all(isinstance(i, str) and HEX_ID.match(i) for i in ids):
            self.fail(INVALID_IDS, "The ids parameter has to be a list of 32 character hex ids.", "/ids")
            return None
        wanted = frozenset(ids)
        return lambda o: o.id in wanted

    def term(self, raw: object) -> Predicate | None:
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str):
            self.fail(INVALID_FILTER, "The term parameter has to be a string.", "/term")
            return None
        needle = raw.strip().casefold()
        paths = ("orderNumber", "orderCustomer.email", "orderCustomer.lastName", "orderCustomer.firstName")
        getters = [self.fields[p].get for p in paths]
        return lambda o: any(needle in str(get(o)).casefold() for get in getters)


def parse_criteria(body: object, fields: dict[str, Field], associations: Tree, *,
                   max_limit: int | None) -> Criteria:
    """Validate and compile a criteria body; raises CriteriaError listing every problem."""
    if not isinstance(body, dict):
        raise CriteriaError([Problem(INVALID_FILTER, "The request body has to be a JSON object.", "/")])
    p = _Parser(fields, associations, max_limit)
    crit = Criteria()
    crit.page = p.positive(body, "page", INVALID_PAGE, 1) or 1
    crit.limit = p.positive(body, "limit", INVALID_LIMIT, None)
    if crit.limit is not None and max_limit and crit.limit > max_limit:
        p.fail(INVALID_LIMIT, f"The limit must be lower than or equal to {max_limit}.", "/limit")  # UNCONFIRMED
    if crit.limit is None:
        crit.limit = max_limit
    mode = body.get("total-count-mode", 0)
    if isinstance(mode, bool) or mode not in TOTAL_COUNT_MODES:
        p.fail(INVALID_TOTAL_COUNT, "total-count-mode must be 0 (none), 1 (exact) or 2 (next-pages).",
               "/total-count-mode")
    else:
        crit.total_count_mode = TOTAL_COUNT_MODES[mode]
    parts = [p.ids(body.get("ids")), p.term(body.get("term")), p.filters(body.get("filter"), "/filter")]
    crit.predicate = _all([x for x in parts if x is not None]) if any(x is not None for x in parts) else None
    crit.post_predicate = p.filters(body.get("post-filter"), "/post-filter")
    crit.sorts = p.sorts(body.get("sort"))
    crit.associations = p.associations(body.get("associations"), associations, "/associations")
    crit.includes = p.includes(body.get("includes"))
    crit.aggregations = p.aggregations(body.get("aggregations"))
    if p.problems:
        raise CriteriaError(p.problems)
    crit.key = json.dumps([body.get(k) for k in ("ids", "term", "filter", "post-filter", "sort")],
                          sort_keys=True, default=str)
    return crit


def _all(parts: list[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    return lambda o: all(p(o) for p in parts)


def _any(parts: list[Predicate]) -> Predicate:
    return lambda o: any(p(o) for p in parts)


def _merge(into: Tree, other: Tree) -> None:
    for name, sub in other.items():
        _merge(into.setdefault(name, {}), sub)
