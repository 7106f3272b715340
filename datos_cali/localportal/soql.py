"""The SoQL subset the pipeline and common clients use, compiled to parameterised SQLite.

Supported: `$select` (fields, `:id`/`:created_at`/`:updated_at`, the aggregates `count(*)`,
`count(f)`, `sum(f)`, `avg(f)`, `min(f)`, `max(f)`, `AS alias`), `$where` (comparisons `= != <>
< <= > >=` between a field and a literal, `AND`/`OR`/`NOT`, parentheses, `IN (…)`, `BETWEEN …
AND …`, `IS [NOT] NULL`), `$group` (fields), `$order` (fields and `:id`, or — when grouping —
aliases and aggregates, `ASC`/`DESC`; plain reads break ties by `:id`), `$limit` (default 1000,
at most 50000), `$offset`, `$q` (case-insensitive substring over the text columns), `$query`
(one SoQL string: `SELECT … WHERE … ORDER BY … GROUP BY … LIMIT … OFFSET …`, no sub-queries)
and plain `field=value` equality filters. Aggregates are named as SODA 2.1 names them:
`count(*)` → `count`, `sum(valor)` → `sum_valor`. Values are never put into SQL text: every
literal and JSON path is a bound parameter, and only field names found in the view's columns
reach the compiler. Parenthesis/NOT nesting and the number of terms and list items are bounded,
so a hostile query is a 400, never a RecursionError or an SQLite "expression tree too large".

Literals follow SoQL's implicit casts: a 'text' literal compares with any type (`fecha >=
'2021-01-01'`, `monto > '10'`), a number only with number columns, true/false with checkboxes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from datos_cali.localportal import ids
from datos_cali.localportal import values as v
from datos_cali.localportal.routing import HttpError

DEFAULT_LIMIT = 1000
MAX_LIMIT = 50000

NO_SUCH_COLUMN = "query.soql.no-such-column"
TYPE_MISMATCH = "query.soql.type-mismatch"
MALFORMED = "query.compiler.malformed"

MSG_NO_SUCH_COLUMN = "No such column: {name}"
MSG_TYPE_MISMATCH = "Type mismatch: cannot compare {type} column {name} with {literal}"
MSG_UNEXPECTED = "Could not parse {clause}: unexpected {found} at position {position}"
MSG_END = "Could not parse {clause}: it ends too early"
MSG_BAD_LIMIT = "$limit must be a whole number from 0 to {max}, got {value!r}"
MSG_BAD_OFFSET = "$offset must be a whole number of at least 0, got {value!r}"
MSG_UNSUPPORTED = "{name} is not supported by the local portal"
MSG_UNRECOGNIZED = "Unrecognized argument {name}"
MSG_NOT_GROUPED = "{name} must appear in $group, or be inside an aggregate function"
MSG_GROUP_NEEDS_SELECT = "$group needs a $select naming the grouped columns and aggregates"
MSG_FUNCTION_TYPE = "{function}() does not apply to {type} column {name}"
MSG_TOO_DEEP = "{clause} is nested more than {limit} levels deep"
MSG_TOO_MANY = "{clause} has more than {limit} {what}"
MSG_UNKNOWN_ORDER = "Cannot order by {name}: it is neither selected nor grouped"

MAX_NESTING = 16  # parentheses and NOT inside one another (SQLite's parser stack is ~100)
MAX_TERMS = 500  # comparisons joined by AND/OR (SQLite's expression depth is 1000)
MAX_ITEMS = 200  # items of one $select, $order or $group
MAX_IN_VALUES = 2000  # values of one IN list (SQLite binds at most 32766 parameters)

AGGREGATES = ("count", "sum", "avg", "min", "max")

SYSTEM_FIELDS = (":id", ":created_at", ":updated_at")
_SYSTEM_SQL = {":id": "sid", ":created_at": "created_at", ":updated_at": "updated_at"}
_KEYWORDS = {"and", "or", "not", "in", "is", "null", "between", "true", "false", "asc", "desc"}
_KEYWORDS |= {"as"}
_TOKEN = re.compile(
    r"""\s+
    |(?P<string>'(?:[^']|'')*')
    |(?P<quoted>`[^`]+`)
    |(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
    |(?P<name>:?[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op><=|>=|!=|<>|==|=|<|>)
    |(?P<punct>[(),*-])""",
    re.VERBOSE,
)


def soql_error(code: str, message: str, **data: Any) -> HttpError:
    return HttpError(400, code, message, data)


@dataclass(frozen=True)
class Token:
    kind: str  # string, number, name, keyword, op, punct
    text: str
    position: int

    @property
    def value(self) -> Any:
        if self.kind == "string":
            return self.text[1:-1].replace("''", "'")
        return self.text


def tokenize(text: str, clause: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        if not found:
            raise soql_error(
                MALFORMED,
                MSG_UNEXPECTED.format(clause=clause, found=repr(text[position]), position=position),
            )
        kind = found.lastgroup
        if kind == "quoted":
            tokens.append(Token("name", found.group()[1:-1], position))
        elif kind == "name" and found.group().lower() in _KEYWORDS:
            tokens.append(Token("keyword", found.group().lower(), position))
        elif kind:
            tokens.append(Token(kind, found.group(), position))
        position = found.end()
    return tokens


@dataclass
class Sql:
    text: str
    params: list[Any] = field(default_factory=list)


@dataclass
class SelectItem:
    source: str  # a field name, a system field, or "*" (count(*) only)
    alias: str
    function: str | None = None  # one of AGGREGATES, or None for the plain value


@dataclass
class OrderItem:
    source: str  # a field, an alias (when grouping) or the aggregate's argument
    descending: bool
    function: str | None = None


@dataclass
class Query:
    select: list[SelectItem] | None  # None: every column
    where: Sql | None
    order: Sql  # plain reads only
    limit: int
    offset: int
    include_system: bool
    group: list[str] | None = None
    order_items: list[OrderItem] = field(default_factory=list)

    @property
    def aggregated(self) -> bool:
        """A grouped or aggregate query: its rows are computed, not stored rows."""
        return self.group is not None or any(i.function for i in self.select or ())


class _Parser:
    """Recursive descent over one clause's tokens."""

    def __init__(self, text: str, clause: str, columns: dict[str, v.Column]) -> None:
        self.clause = clause
        self.tokens = tokenize(text, clause)
        self.index = 0
        self.columns = columns
        self.depth = 0
        self.terms = 0

    # --- token helpers --------------------------------------------------------------------
    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise soql_error(MALFORMED, MSG_END.format(clause=self.clause))
        self.index += 1
        return token

    def unexpected(self, token: Token) -> HttpError:
        message = MSG_UNEXPECTED.format(
            clause=self.clause, found=repr(token.text), position=token.position
        )
        return soql_error(MALFORMED, message)

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        token = self.peek()
        if token and token.kind == kind and (text is None or token.text == text):
            self.index += 1
            return token
        return None

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            raise self.unexpected(token)
        return token

    def finish(self) -> None:
        token = self.peek()
        if token is not None:
            raise self.unexpected(token)

    # --- fields and literals --------------------------------------------------------------
    def field_name(self) -> str:
        token = self.take()
        if token.kind != "name":
            raise self.unexpected(token)
        name = token.text
        if name not in self.columns and name not in SYSTEM_FIELDS:
            raise soql_error(NO_SUCH_COLUMN, MSG_NO_SUCH_COLUMN.format(name=name), column=name)
        return name

    def field_sql(self, name: str) -> tuple[str, list[Any], str]:
        return field_sql(name, self.columns)

    def literal(self) -> Token:
        negative = self.accept("punct", "-")
        token = self.take()
        if token.kind == "number":
            return Token("number", ("-" if negative else "") + token.text, token.position)
        if negative or not (
            token.kind == "string" or (token.kind == "keyword" and token.text in ("true", "false"))
        ):
            raise self.unexpected(token)
        return token

    # --- $where ---------------------------------------------------------------------------
    def expression(self) -> Sql:
        parts = [self.conjunction()]
        while self.accept("keyword", "or"):
            parts.append(self.conjunction())
        return _joined(parts, "OR")

    def conjunction(self) -> Sql:
        parts = [self.negation()]
        while self.accept("keyword", "and"):
            parts.append(self.negation())
        return _joined(parts, "AND")

    def negation(self) -> Sql:
        if self.accept("keyword", "not"):
            with self.nested():
                inner = self.negation()
            return Sql(f"NOT {inner.text}", inner.params)
        if self.accept("punct", "("):
            with self.nested():
                inner = self.expression()
            self.expect("punct", ")")
            return inner
        self.terms += 1
        if self.terms > MAX_TERMS:
            message = MSG_TOO_MANY.format(clause=self.clause, limit=MAX_TERMS, what="conditions")
            raise soql_error(MALFORMED, message)
        return self.comparison()

    @contextmanager
    def nested(self) -> Iterator[None]:
        """One level deeper; past MAX_NESTING the query is refused (400), not recursed into."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise soql_error(MALFORMED, MSG_TOO_DEEP.format(clause=self.clause, limit=MAX_NESTING))
        yield
        self.depth -= 1

    def comparison(self) -> Sql:
        name = self.field_name()
        sql, params, kind = self.field_sql(name)
        if self.accept("keyword", "is"):
            negated = bool(self.accept("keyword", "not"))
            self.expect("keyword", "null")
            return Sql(f"({sql} IS {'NOT ' if negated else ''}NULL)", params)
        negated = bool(self.accept("keyword", "not"))
        if self.accept("keyword", "in"):
            self.expect("punct", "(")
            items = [self.literal()]
            while self.accept("punct", ","):
                items.append(self.literal())
                if len(items) > MAX_IN_VALUES:
                    message = MSG_TOO_MANY.format(
                        clause=self.clause, limit=MAX_IN_VALUES, what="values in one IN list"
                    )
                    raise soql_error(MALFORMED, message)
            self.expect("punct", ")")
            converted = [to_param(kind, name, item) for item in items]
            marks = ", ".join("?" for _ in converted)
            return Sql(f"({sql} {'NOT ' if negated else ''}IN ({marks}))", params + converted)
        if self.accept("keyword", "between"):
            low = to_param(kind, name, self.literal())
            self.expect("keyword", "and")
            high = to_param(kind, name, self.literal())
            words = "NOT BETWEEN" if negated else "BETWEEN"
            return Sql(f"({sql} {words} ? AND ?)", [*params, low, high])
        if negated:
            raise self.unexpected(self.take())
        operator = self.expect("op").text
        operator = {"==": "=", "<>": "!="}.get(operator, operator)
        value = to_param(kind, name, self.literal())
        return Sql(f"({sql} {operator} ?)", [*params, value])

    # --- $select, $group and $order -----------------------------------------------------
    def items(self, parse_one):
        """A comma-separated list of at most MAX_ITEMS items."""
        found = [parse_one()]
        while self.accept("punct", ","):
            found.append(parse_one())
            if len(found) > MAX_ITEMS:
                message = MSG_TOO_MANY.format(clause=self.clause, limit=MAX_ITEMS, what="items")
                raise soql_error(MALFORMED, message)
        return found

    def function_call(self) -> tuple[str, str] | None:
        """`name(arg)` for an aggregate name followed by "(": (function, field or "*")."""
        token = self.peek()
        following = self.tokens[self.index + 1] if self.index + 1 < len(self.tokens) else None
        if not (
            token
            and token.kind == "name"
            and token.text.lower() in AGGREGATES
            and following
            and following.text == "("
        ):
            return None
        function = token.text.lower()
        self.index += 2
        if function == "count" and self.accept("punct", "*"):
            source = "*"
        else:
            source = self.field_name()
            self.check_function(function, source)
        self.expect("punct", ")")
        return function, source

    def check_function(self, function: str, source: str) -> None:
        kind = self.columns[source].type_name if source in self.columns else source
        allowed = {
            "count": None,
            "sum": v.NUMERIC_TYPES,
            "avg": v.NUMERIC_TYPES,
            "min": (*v.NUMERIC_TYPES, v.TEXT, v.DATE),
            "max": (*v.NUMERIC_TYPES, v.TEXT, v.DATE),
        }[function]
        if allowed is not None and kind not in allowed:
            message = MSG_FUNCTION_TYPE.format(function=function, type=kind, name=source)
            raise soql_error(TYPE_MISMATCH, message, column=source)

    def select_item(self) -> SelectItem:
        call = self.function_call()
        if call:
            function, source = call
            alias = "count" if source == "*" else f"{function}_{source}"
        else:
            function, source = None, self.field_name()
            alias = source
        if self.accept("keyword", "as"):
            alias = self.expect("name").text
        return SelectItem(source, alias, function)

    def order_item(self) -> OrderItem:
        call = self.function_call()
        if call:
            function, source = call
        else:
            token = self.take()
            if token.kind != "name":
                raise self.unexpected(token)
            function, source = None, token.text
        descending = bool(self.accept("keyword", "desc"))
        if not descending:
            self.accept("keyword", "asc")
        return OrderItem(source, descending, function)


def _joined(parts: list[Sql], word: str) -> Sql:
    """`(a OR b OR c)` as one flat list: SQLite's parser stack (about 100 entries) overflows on
    a few dozen nested parentheses, so terms are never wrapped pair by pair."""
    if len(parts) == 1:
        return parts[0]
    text = "(" + f" {word} ".join(part.text for part in parts) + ")"
    return Sql(text, [param for part in parts for param in part.params])


def field_sql(name: str, columns: dict[str, v.Column]) -> tuple[str, list[Any], str]:
    """SQL for a field's value (numbers as numbers), its parameters, and its type."""
    if name in _SYSTEM_SQL:
        return _SYSTEM_SQL[name], [], name
    column = columns[name]
    if column.type_name in v.NUMERIC_TYPES:
        return "CAST(json_extract(data, ?) AS NUMERIC)", [json_path(name)], column.type_name
    return "json_extract(data, ?)", [json_path(name)], column.type_name


def json_path(name: str) -> str:
    return f'$."{name}"'


def to_param(kind: str, name: str, token: Token) -> Any:
    """A literal as the bound value to compare with a field of type `kind`."""

    def mismatch() -> HttpError:
        message = MSG_TYPE_MISMATCH.format(type=kind, name=name, literal=token.text)
        return soql_error(TYPE_MISMATCH, message, column=name)

    try:
        if kind == ":id":
            sid = ids.parse_row_id(token.value) if token.kind == "string" else None
            if sid is None and token.kind == "number" and token.text.isdigit():
                sid = int(token.text)
            if sid is None:
                raise mismatch()
            return sid
        if kind in (":created_at", ":updated_at"):
            if token.kind != "string":
                raise mismatch()
            moment = datetime.fromisoformat(token.value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return moment.timestamp()
        if kind in v.NUMERIC_TYPES:
            if token.kind not in ("number", "string"):
                raise mismatch()
            number = Decimal(v.number_text(token.value))
            return int(number) if number == number.to_integral_value() else float(number)
        if kind == v.CHECKBOX:
            if token.kind == "number":
                raise mismatch()
            return 1 if v.boolean(token.value) else 0
        if token.kind != "string" or kind in (v.POINT, v.URL):
            raise mismatch()
        if kind == v.DATE:
            return v.floating_timestamp(token.value)
        return token.value
    except (v.BadValue, ValueError, OverflowError):
        raise mismatch() from None


def _parse_limit(raw: str | None, default: int, maximum: int | None, message: str) -> int:
    if raw is None:
        return default
    text = raw.strip()
    if not text.isdigit() or (maximum is not None and int(text) > maximum):
        raise soql_error(MALFORMED, message.format(value=raw, max=maximum))
    return int(text)


def _search(text: str, columns: dict[str, v.Column]) -> Sql:
    text_fields = [c.field_name for c in columns.values() if c.type_name == v.TEXT]
    if not text_fields:
        return Sql("0")
    needle = text.casefold()
    parts = ["instr(fold(json_extract(data, ?)), ?) > 0" for _ in text_fields]
    params: list[Any] = []
    for name in text_fields:
        params += [json_path(name), needle]
    return Sql("(" + " OR ".join(parts) + ")", params)


_IGNORED_SYSTEM_ARGS = ("$$app_token", "$$read_from_nbe", "$$version", "$$query_timeout_seconds")
_UNSUPPORTED_ARGS = ("$having", "$search")
_CLAUSES = ("$select", "$where", "$order", "$group", "$limit", "$offset", "$q")
_UNEXPANDED = "$query"  # expanded by `soqlquery.expand` before compiling


def compile_query(pairs: list[tuple[str, str]], columns: dict[str, v.Column]) -> Query:
    """A SODA query string (as pairs; `$query` already expanded by `soqlquery`) → a `Query`."""
    args: dict[str, str] = {}
    filters: list[tuple[str, str]] = []
    for key, value in pairs:
        if key in _UNSUPPORTED_ARGS or key == _UNEXPANDED:
            raise soql_error(MALFORMED, MSG_UNSUPPORTED.format(name=key))
        if key.startswith("$$"):
            if key != "$$exclude_system_fields" and key not in _IGNORED_SYSTEM_ARGS:
                raise soql_error(MALFORMED, MSG_UNRECOGNIZED.format(name=key))
            args[key] = value
        elif key.startswith("$"):
            if key not in _CLAUSES:
                raise soql_error(MALFORMED, MSG_UNRECOGNIZED.format(name=key))
            args[key] = value
        else:
            filters.append((key, value))

    select = None
    if args.get("$select", "").strip() and args["$select"].strip() != "*":
        parser = _Parser(args["$select"], "$select", columns)
        select = parser.items(parser.select_item)
        parser.finish()
    group = None
    if args.get("$group", "").strip():
        parser = _Parser(args["$group"], "$group", columns)
        group = parser.items(parser.field_name)
        parser.finish()

    conditions: list[Sql] = []
    if args.get("$where", "").strip():
        parser = _Parser(args["$where"], "$where", columns)
        conditions.append(parser.expression())
        parser.finish()
    for name, raw in filters:
        if name not in columns and name not in SYSTEM_FIELDS:
            raise soql_error(NO_SUCH_COLUMN, MSG_NO_SUCH_COLUMN.format(name=name), column=name)
        parser = _Parser("", "filter", columns)
        sql, params, kind = parser.field_sql(name)
        literal = Token("string", "'" + raw.replace("'", "''") + "'", 0)
        conditions.append(Sql(f"({sql} = ?)", [*params, to_param(kind, name, literal)]))
    if args.get("$q", "").strip():
        conditions.append(_search(args["$q"].strip(), columns))
    where = None
    if conditions:
        where = Sql(
            " AND ".join(c.text for c in conditions), [p for c in conditions for p in c.params]
        )

    order_items: list[OrderItem] = []
    if args.get("$order", "").strip():
        parser = _Parser(args["$order"], "$order", columns)
        order_items = parser.items(parser.order_item)
        parser.finish()

    include = args.get("$$exclude_system_fields", "true").strip().lower() == "false"
    query = Query(
        select=select,
        where=where,
        order=Sql("sid ASC"),
        limit=_parse_limit(args.get("$limit"), DEFAULT_LIMIT, MAX_LIMIT, MSG_BAD_LIMIT),
        offset=_parse_limit(args.get("$offset"), 0, None, MSG_BAD_OFFSET),
        include_system=include,
        group=group,
        order_items=order_items,
    )
    if query.aggregated:
        _check_grouping(query)
    else:
        query.order = _plain_order(order_items, columns)
    return query


def _check_grouping(query: Query) -> None:
    """Every plain selected field is grouped; every order item names a result column."""
    if query.select is None:
        raise soql_error(MALFORMED, MSG_GROUP_NEEDS_SELECT)
    named = [*(query.group or ()), *(i.source for i in query.select)]
    if system := next((name for name in named if name in SYSTEM_FIELDS), None):
        raise soql_error(MALFORMED, MSG_UNSUPPORTED.format(name=f"{system} in an aggregate query"))
    grouped = set(query.group or ())
    for item in query.select:
        if item.function is None and item.source not in grouped:
            raise soql_error(MALFORMED, MSG_NOT_GROUPED.format(name=item.source))
    aliases = {item.alias for item in query.select}
    calls = {(item.function, item.source) for item in query.select if item.function}
    for order in query.order_items:
        known = (
            (order.function, order.source) in calls
            if order.function
            else order.source in aliases or order.source in grouped
        )
        if not known:
            name = f"{order.function}({order.source})" if order.function else order.source
            raise soql_error(MALFORMED, MSG_UNKNOWN_ORDER.format(name=name))


def _plain_order(items: list[OrderItem], columns: dict[str, v.Column]) -> Sql:
    """ORDER BY for stored rows: fields only, ties broken by :id so paging is stable."""
    parser = _Parser("", "$order", columns)
    parts: list[str] = []
    params: list[Any] = []
    for item in items:
        if item.function:
            raise soql_error(MALFORMED, MSG_UNSUPPORTED.format(name=f"{item.function}() in $order"))
        if item.source not in columns and item.source not in SYSTEM_FIELDS:
            name = item.source
            raise soql_error(NO_SUCH_COLUMN, MSG_NO_SUCH_COLUMN.format(name=name), column=name)
        sql, field_params, _kind = parser.field_sql(item.source)
        parts.append(f"{sql} {'DESC' if item.descending else 'ASC'}")
        params += field_params
    parts.append("sid ASC")
    return Sql(", ".join(parts), params)
