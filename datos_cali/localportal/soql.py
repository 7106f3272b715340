"""The SoQL subset the pipeline uses, compiled to parameterised SQLite over the rows table.

Supported: `$select` (fields, `:id`/`:created_at`/`:updated_at`, `count(*)`, `AS alias`),
`$where` (comparisons `= != <> < <= > >=` between a field and a literal, `AND`/`OR`/`NOT`,
parentheses, `IN (…)`, `BETWEEN … AND …`, `IS [NOT] NULL`), `$order` (fields and `:id`, `ASC`/
`DESC`; ties always broken by `:id`), `$limit` (default 1000, at most 50000), `$offset`, `$q`
(case-insensitive substring over the text columns) and plain `field=value` equality filters.
Values are never put into SQL text: every literal and JSON path is a bound parameter, and only
field names found in the view's columns reach the compiler.

Literals follow SoQL's implicit casts: a 'text' literal compares with any type (`fecha >=
'2021-01-01'`, `monto > '10'`), a number only with number columns, true/false with checkboxes.
"""

from __future__ import annotations

import re
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
MSG_COUNT_MIXED = "count(*) cannot be selected with other columns without $group"

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
    source: str  # a field name, a system field, or "count(*)"
    alias: str


@dataclass
class Query:
    select: list[SelectItem] | None  # None: every column
    where: Sql | None
    order: Sql
    limit: int
    offset: int
    include_system: bool

    @property
    def count_alias(self) -> str | None:
        if self.select and self.select[0].source == "count(*)":
            return self.select[0].alias
        return None


class _Parser:
    """Recursive descent over one clause's tokens."""

    def __init__(self, text: str, clause: str, columns: dict[str, v.Column]) -> None:
        self.clause = clause
        self.tokens = tokenize(text, clause)
        self.index = 0
        self.columns = columns

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
        """SQL for a field's value, its parameters, and its type for literal conversion."""
        if name in _SYSTEM_SQL:
            return _SYSTEM_SQL[name], [], name
        column = self.columns[name]
        path = f'$."{name}"'
        if column.type_name in v.NUMERIC_TYPES:
            return "CAST(json_extract(data, ?) AS NUMERIC)", [path], column.type_name
        return "json_extract(data, ?)", [path], column.type_name

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
        left = self.conjunction()
        while self.accept("keyword", "or"):
            right = self.conjunction()
            left = Sql(f"({left.text} OR {right.text})", left.params + right.params)
        return left

    def conjunction(self) -> Sql:
        left = self.negation()
        while self.accept("keyword", "and"):
            right = self.negation()
            left = Sql(f"({left.text} AND {right.text})", left.params + right.params)
        return left

    def negation(self) -> Sql:
        if self.accept("keyword", "not"):
            inner = self.negation()
            return Sql(f"(NOT {inner.text})", inner.params)
        if self.accept("punct", "("):
            inner = self.expression()
            self.expect("punct", ")")
            return inner
        return self.comparison()

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

    # --- $select and $order ---------------------------------------------------------------
    def select_items(self) -> list[SelectItem]:
        items = [self.select_item()]
        while self.accept("punct", ","):
            items.append(self.select_item())
        return items

    def select_item(self) -> SelectItem:
        token = self.peek()
        if token and token.kind == "name" and token.text.lower() == "count":
            self.take()
            self.expect("punct", "(")
            self.expect("punct", "*")
            self.expect("punct", ")")
            source, alias = "count(*)", "count"
        else:
            source = alias = self.field_name()
        if self.accept("keyword", "as"):
            alias = self.expect("name").text
        return SelectItem(source, alias)

    def order_items(self) -> Sql:
        parts: list[str] = []
        params: list[Any] = []
        while True:
            sql, field_params, _kind = self.field_sql(self.field_name())
            direction = "ASC"
            if self.accept("keyword", "desc"):
                direction = "DESC"
            else:
                self.accept("keyword", "asc")
            parts.append(f"{sql} {direction}")
            params += field_params
            if not self.accept("punct", ","):
                return Sql(", ".join(parts), params)


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
        params += [f'$."{name}"', needle]
    return Sql("(" + " OR ".join(parts) + ")", params)


_IGNORED_SYSTEM_ARGS = ("$$app_token", "$$read_from_nbe", "$$version", "$$query_timeout_seconds")
_UNSUPPORTED_ARGS = ("$group", "$having", "$query", "$search")


def compile_query(pairs: list[tuple[str, str]], columns: dict[str, v.Column]) -> Query:
    """A SODA query string (as pairs) → a `Query` over one view's rows."""
    args: dict[str, str] = {}
    filters: list[tuple[str, str]] = []
    for key, value in pairs:
        if key in _UNSUPPORTED_ARGS:
            raise soql_error(MALFORMED, MSG_UNSUPPORTED.format(name=key))
        if key.startswith("$$"):
            if key != "$$exclude_system_fields" and key not in _IGNORED_SYSTEM_ARGS:
                raise soql_error(MALFORMED, MSG_UNRECOGNIZED.format(name=key))
            args[key] = value
        elif key.startswith("$"):
            if key not in ("$select", "$where", "$order", "$limit", "$offset", "$q"):
                raise soql_error(MALFORMED, MSG_UNRECOGNIZED.format(name=key))
            args[key] = value
        else:
            filters.append((key, value))

    select = None
    if args.get("$select", "").strip() and args["$select"].strip() != "*":
        parser = _Parser(args["$select"], "$select", columns)
        select = parser.select_items()
        parser.finish()
        if any(item.source == "count(*)" for item in select) and len(select) > 1:
            raise soql_error(MALFORMED, MSG_COUNT_MIXED)

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

    order = Sql("sid ASC")
    if args.get("$order", "").strip():
        parser = _Parser(args["$order"], "$order", columns)
        order = parser.order_items()
        parser.finish()
        order = Sql(order.text + ", sid ASC", order.params)

    include = args.get("$$exclude_system_fields", "true").strip().lower() == "false"
    return Query(
        select=select,
        where=where,
        order=order,
        limit=_parse_limit(args.get("$limit"), DEFAULT_LIMIT, MAX_LIMIT, MSG_BAD_LIMIT),
        offset=_parse_limit(args.get("$offset"), 0, None, MSG_BAD_OFFSET),
        include_system=include,
    )
