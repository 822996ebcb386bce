"""The SOQL subset the Salesforce door answers, parsed and run over rows of one sObject.

    SELECT field, ... FROM Object
      [WHERE cond]        cond: field op value | field [NOT] IN (value, ...) | field LIKE 'text%'
                                | NOT cond | (cond) | cond AND cond ... | cond OR cond ...
      [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]

op is = != <> < <= > >=; values are 'strings' (with SOQL's backslash escapes), numbers, true, false,
null, dates (2024-05-01) and date-times (2024-05-01T10:00:00Z). As in Salesforce: keywords and field
names are case-insensitive, text compares case-insensitively, AND and OR are not mixed without
parentheses, a field must exist on the object (INVALID_FIELD), a value must have the field's type,
long text can be neither filtered nor sorted, relationship paths (Owner.Name) are not in this subset.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from .salesforce_schema import Field, SObject, make_id, parse_id, sobject

NUMBER_TYPES = ("int", "double", "currency")
MAX_OFFSET = 2000


class SoqlError(Exception):
    """A query Salesforce would refuse: 400 with its errorCode."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def malformed(message: str) -> SoqlError:
    return SoqlError("MALFORMED_QUERY", message)


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op>!=|<>|<=|>=|=|<|>)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
""", re.VERBOSE | re.DOTALL)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\", "_": "_", "%": "%"}
KEYWORDS = {"select", "from", "where", "and", "or", "not", "in", "like", "order", "by", "asc", "desc", "nulls",
            "first", "last", "limit", "offset", "true", "false", "null"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str

    @property
    def word(self) -> str:
        return self.text.lower() if self.kind == "word" else ""


def tokenize(text: str) -> list[Token]:
    tokens, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            if text[at] == "'":
                raise malformed(f"unterminated string starting at character {at + 1}")
            raise malformed(f"unexpected token: '{text[at:at + 10]}'")
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group()))
        at = match.end()
    return tokens


def unescape(quoted: str, keep_like_escapes: bool = False) -> str:
    body, out, i = quoted[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in _ESCAPES:
                raise malformed(f"invalid escape sequence: \\{nxt}")
            out.append("\\" + nxt if keep_like_escapes and nxt in "_%" else _ESCAPES[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class Literal:
    kind: str  # string | number | date | datetime | boolean | null
    text: str

    def value(self) -> Any:
        if self.kind == "string":
            return unescape(self.text)
        if self.kind == "number":
            return float(self.text) if "." in self.text else int(self.text)
        if self.kind == "boolean":
            return self.text.lower() == "true"
        return None if self.kind == "null" else self.text


@dataclass
class Query:
    sobject: SObject
    fields: list[Field]
    where: Callable[[dict[str, Any]], bool] | None = None
    order: list[tuple[Field, bool, bool]] = field(default_factory=list)  # (field, descending, nulls first)
    limit: int | None = None
    offset: int = 0
    #: field name -> values it must equal (from = and IN in the top-level AND chain): lets the store narrow first
    hints: dict[str, list[Any]] = field(default_factory=dict)

    def run(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = [r for r in rows if self.where is None or self.where(r)]
        for spec, descending, nulls_first in reversed(self.order):  # stable sorts, last key first
            present = sorted((r for r in found if r.get(spec.name) is not None),
                             key=lambda r: sort_key(spec, r[spec.name]), reverse=descending)
            missing = [r for r in found if r.get(spec.name) is None]
            found = missing + present if nulls_first else present + missing
        found = found[self.offset:]
        return found if self.limit is None else found[:self.limit]


def sort_key(spec: Field, value: Any) -> Any:
    if spec.type == "datetime":
        return parse_datetime(value)
    if isinstance(value, str):
        return value.casefold() if spec.type not in ("id", "reference") else value
    return value


def parse_datetime(value: str) -> datetime:
    text = value.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class Parser:
    def __init__(self, text: str, objects: Callable[[str], SObject | None] = sobject) -> None:
        self.tokens, self.at, self.objects = tokenize(text), 0, objects

    # -- token helpers ----------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise malformed("unexpected end of query")
        self.at += 1
        return token

    def expect_word(self, *words: str) -> Token:
        token = self.take()
        if token.word not in words:
            raise malformed(f"unexpected token: '{token.text}' (expected {' '.join(w.upper() for w in words)})")
        return token

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.word in words

    def expect_punct(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise malformed(f"unexpected token: '{token.text}' (expected '{text}')")

    # -- grammar ----------------------------------------------------------------------------------
    def parse(self) -> Query:
        self.expect_word("select")
        names = [self.field_name()]
        while self.peek() is not None and self.peek().text == ",":
            self.take()
            names.append(self.field_name())
        self.expect_word("from")
        object_token = self.take()
        if object_token.kind != "word" or object_token.word in KEYWORDS:
            raise malformed(f"unexpected token: '{object_token.text}' (expected an object name)")
        found = self.objects(object_token.text)
        if found is None:
            raise SoqlError("INVALID_TYPE", f"sObject type '{object_token.text}' is not supported. If you are attempting"
                            " to use a custom object, be sure to append the '__c' after the entity name. Please"
                            " reference your WSDL or the describe call for the appropriate names.")
        query = Query(found, self.resolve_all(found, names))
        if self.at_word("where"):
            self.take()
            query.where = self.condition(query, top=True)
        if self.at_word("order"):
            self.take()
            self.expect_word("by")
            query.order = [self.order_item(found)]
            while self.peek() is not None and self.peek().text == ",":
                self.take()
                query.order.append(self.order_item(found))
        if self.at_word("limit"):
            self.take()
            query.limit = self.count("LIMIT")
        if self.at_word("offset"):
            self.take()
            query.offset = self.count("OFFSET")
            if query.offset > MAX_OFFSET:
                raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}")
        if self.peek() is not None:
            raise malformed(f"unexpected token: '{self.peek().text}'")
        return query

    def field_name(self) -> str:
        token = self.take()
        if token.kind != "word" or token.word in KEYWORDS:
            raise malformed(f"unexpected token: '{token.text}' (expected a field name)")
        return token.text

    def resolve_all(self, found: SObject, names: list[str]) -> list[Field]:
        fields = [resolve(found, name) for name in names]
        seen: set[str] = set()
        for spec in fields:
            if spec.name in seen:
                raise SoqlError("INVALID_FIELD", f"duplicate field selected: {spec.name}")
            seen.add(spec.name)
        return fields

    def count(self, clause: str) -> int:
        token = self.take()
        if token.kind != "number" or "." in token.text or token.text.startswith("-"):
            raise malformed(f"{clause} must be a non-negative integer, found '{token.text}'")
        return int(token.text)

    def order_item(self, found: SObject) -> tuple[Field, bool, bool]:
        spec = resolve(found, self.field_name())
        if spec.type == "textarea":
            raise SoqlError("INVALID_FIELD", f"field '{spec.name}' can not be sorted in a query call")
        descending = False
        if self.at_word("asc", "desc"):
            descending = self.take().word == "desc"
        nulls_first = not descending
        if self.at_word("nulls"):
            self.take()
            nulls_first = self.expect_word("first", "last").word == "first"
        return spec, descending, nulls_first

    def condition(self, query: Query, top: bool = False) -> Callable[[dict[str, Any]], bool]:
        parts = [self.unary(query, top)]
        joiner = None
        while self.at_word("and", "or"):
            word = self.take().word
            if joiner is not None and word != joiner:
                raise malformed(f"unexpected token: '{word.upper()}': use parentheses to mix AND and OR")
            joiner = word
            parts.append(self.unary(query, top and word == "and"))
        if joiner == "or":
            for hinted in list(query.hints) if top else ():  # an OR at the top narrows nothing
                query.hints.pop(hinted)
            return lambda row: any(p(row) for p in parts)
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def unary(self, query: Query, top: bool) -> Callable[[dict[str, Any]], bool]:
        if self.at_word("not"):
            self.take()
            inner = self.unary(query, False)
            return lambda row: not inner(row)
        if self.peek() is not None and self.peek().text == "(":
            self.take()
            inner = self.condition(query)
            self.expect_punct(")")
            return inner
        return self.comparison(query, top)

    def comparison(self, query: Query, top: bool) -> Callable[[dict[str, Any]], bool]:
        spec = resolve(query.sobject, self.field_name())
        if spec.type == "textarea":
            raise SoqlError("INVALID_FIELD", f"field '{spec.name}' can not be filtered in a query call")
        negate = False
        if self.at_word("not"):
            self.take()
            negate = True
            if not self.at_word("in"):
                raise malformed(f"unexpected token: '{self.peek().text if self.peek() else ''}' (expected IN)")
        token = self.take()
        if token.word == "in":
            self.expect_punct("(")
            values = [self.typed_value(spec, self.literal())]
            while self.peek() is not None and self.peek().text == ",":
                self.take()
                values.append(self.typed_value(spec, self.literal()))
            self.expect_punct(")")
            if top and not negate:
                query.hints[spec.name] = values
            wanted = {comparable(spec, v) for v in values}
            return lambda row: (comparable(spec, row.get(spec.name)) in wanted) != negate
        if token.word == "like":
            literal = self.literal()
            if spec.type not in ("string", "email", "phone", "picklist", "combobox") or literal.kind != "string":
                raise SoqlError("INVALID_QUERY_FILTER_OPERATOR",
                                f"invalid operator on field '{spec.name}': LIKE takes a text field and a quoted pattern")
            pattern = like_regex(unescape(literal.text, keep_like_escapes=True))
            return lambda row: isinstance(row.get(spec.name), str) and bool(pattern.fullmatch(row[spec.name]))
        if token.kind != "op":
            raise malformed(f"unexpected token: '{token.text}' (expected an operator)")
        value = self.typed_value(spec, self.literal())
        if top and token.text == "=":
            query.hints[spec.name] = [value]
        return compare(spec, token.text, value)

    def literal(self) -> Literal:
        token = self.take()
        if token.kind in ("string", "number", "date", "datetime"):
            return Literal(token.kind, token.text)
        if token.word in ("true", "false"):
            return Literal("boolean", token.text)
        if token.word == "null":
            return Literal("null", token.text)
        raise malformed(f"unexpected token: '{token.text}' (expected a value)")

    def typed_value(self, spec: Field, literal: Literal) -> Any:
        """The literal's value, refused the way Salesforce refuses a value of the wrong type."""
        if literal.kind == "null":
            return None
        wanted = {"boolean": "boolean", "date": "date", "datetime": "datetime"}.get(spec.type)
        wanted = wanted or ("number" if spec.type in NUMBER_TYPES else "string")
        if literal.kind != wanted:
            quoted = "should be" if wanted == "string" else "should not be"
            raise malformed(f"value of filter criterion for field '{spec.name}' must be of type {spec.type} "
                            f"and {quoted} enclosed in quotes")
        value = literal.value()
        if spec.type in ("id", "reference"):
            parsed = parse_id(value)
            if parsed is None:
                raise SoqlError("INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {value}")
            return make_id(*parsed)
        return value


def resolve(found: SObject, name: str) -> Field:
    if "." in name:
        raise SoqlError("INVALID_FIELD", f"Didn't understand relationship '{name.split('.')[0]}' in field path. "
                        "Relationship paths are not in this org's SOQL subset.")
    spec = found.field(name)
    if spec is None:
        raise SoqlError("INVALID_FIELD", f"No such column '{name}' on entity '{found.name}'. If you are attempting "
                        "to use a custom field, be sure to append the '__c' after the custom field name. Please "
                        "reference your WSDL or the describe call for the appropriate names.")
    return spec


def comparable(spec: Field, value: Any) -> Any:
    if value is None:
        return None
    if spec.type == "datetime":
        return parse_datetime(value)
    if isinstance(value, str) and spec.type not in ("id", "reference"):
        return value.casefold()
    return value


def compare(spec: Field, op: str, value: Any) -> Callable[[dict[str, Any]], bool]:
    wanted = comparable(spec, value)
    if op in ("=", "!=", "<>"):
        equal = op == "="
        return lambda row: (comparable(spec, row.get(spec.name)) == wanted) == equal
    if wanted is None:
        raise malformed(f"null can only be compared with = or != (field '{spec.name}')")
    if spec.type in ("boolean", "id", "reference"):
        raise SoqlError("INVALID_QUERY_FILTER_OPERATOR", f"invalid operator on {spec.type} field '{spec.name}': {op}")
    check = {"<": lambda a: a < wanted, "<=": lambda a: a <= wanted, ">": lambda a: a > wanted,
             ">=": lambda a: a >= wanted}[op]
    return lambda row: (lambda have: have is not None and check(have))(comparable(spec, row.get(spec.name)))


def like_regex(pattern: str) -> re.Pattern[str]:
    """SOQL LIKE: % any run, _ one character, \\% and \\_ themselves; case-insensitive."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def parse(text: str, objects: Callable[[str], SObject | None] = sobject) -> Query:
    """The query, or SoqlError with Salesforce's errorCode (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...)."""
    if not text or not text.strip():
        raise malformed("empty query")
    return Parser(text, objects).parse()
