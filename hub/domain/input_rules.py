"""Rules every piece of text passes at the edge, whichever door it came in by (pure, no I/O).

File connectors and the push intake both run :func:`clean_tree` (through
``hub.domain.validation.build_event``) before an event is built, so a value is refused the same
way from a CSV row, a JSON record, an XML element or a pushed body:

- every string is Unicode NFC (composed), so ``é`` typed two ways is one value;
- no control character (Unicode category Cc: NUL, vertical tab, escape, ...), no lone
  surrogate and no non-character (U+FFFE, U+FFFF) in any text: each breaks XML 1.0, the Avro
  encoder or PostgreSQL, so it is a permanent refusal (422, dead letter), never "retry later";
- nesting is at most :data:`MAX_DEPTH` deep, a string at most :data:`MAX_TEXT` characters and
  a list at most :data:`MAX_ITEMS` long.

Problems name the field and the rule, never the value. ``json_depth_problem`` measures a JSON
document's nesting before it is parsed, so a hostile document is refused without recursing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 16
MAX_TEXT = 10_000
MAX_ITEMS = 1_000

LA_CHILD_ID_MAX = 10  # CIN census XSD: LAchildID (N00097) is a string of at most 10 characters
_LA_CHILD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]*$")


@dataclass(frozen=True)
class InputProblem:
    code: str  # INVALID_CHARACTER, TOO_DEEP, TOO_LONG, TOO_MANY_ITEMS
    field: str  # dotted path, e.g. envelope.subject.given_name
    message: str


_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Unicode category Cc (C0 and C1 controls, NUL among them), surrogates, two non-characters."""


def text_problem(value: str) -> str | None:
    """Why ``value`` may not be stored as text, or None when it may. Never quotes the value."""
    if found := _REFUSED.search(value):
        point = ord(found.group())
        if 0xD800 <= point <= 0xDFFF:
            return "contains a lone surrogate (not valid Unicode)"
        if point == 0:
            return "contains a NUL character"
        if point >= 0xFFFE:
            return f"contains a non-character (U+{point:04X})"
        return f"contains a control character (U+{point:04X})"
    if len(value) > MAX_TEXT:
        return f"is longer than {MAX_TEXT} characters"
    return None


def _code_for(message: str) -> str:
    return "TOO_LONG" if message.startswith("is longer") else "INVALID_CHARACTER"


def clean_tree(data: Any, path: str = "", depth: int = 0) -> tuple[Any, list[InputProblem]]:
    """``data`` with every string NFC-normalised, and every rule it breaks (empty: clean)."""
    if _already_clean(data, depth):  # the common case, checked without building paths
        return data, []
    where = path.rstrip(".") or "body"
    if depth > MAX_DEPTH:
        return data, [InputProblem("TOO_DEEP", where, f"is nested deeper than {MAX_DEPTH}")]
    if isinstance(data, str):
        return _clean_text(data, where)
    if isinstance(data, Mapping):
        return _clean_mapping(data, path, depth)
    if isinstance(data, list | tuple):
        return _clean_sequence(data, path, depth)
    return data, []


def _already_clean(data: Any, depth: int) -> bool:
    """True when ``data`` breaks no rule and every string is already NFC: :func:`clean_tree`
    may then return it as it is. Only plain dicts, lists, tuples and strings are walked
    (anything else, such as another Mapping, goes the long way); False is always safe.

    The strings are gathered and searched as one (the refused characters are single code
    points, so joining creates or hides none): one regex call per tree, not per string."""
    texts: list[str] = []
    stack: list[tuple[Any, int]] = [(data, depth)]
    while stack:
        item, level = stack.pop()
        if level > MAX_DEPTH:
            return False
        if isinstance(item, str):
            texts.append(item)
            continue
        kind = type(item)
        if kind is dict:
            for key, value in item.items():
                if isinstance(key, str):
                    texts.append(key)
                stack.append((value, level + 1))
        elif kind is list or kind is tuple:
            if len(item) > MAX_ITEMS:
                return False
            stack.extend((value, level + 1) for value in item)
        elif isinstance(item, Mapping | list | tuple):
            return False
    if not texts:
        return True
    joined = "".join(texts)
    if _REFUSED.search(joined) is not None or max(map(len, texts)) > MAX_TEXT:
        return False
    return joined.isascii() or all(
        t.isascii() or unicodedata.is_normalized("NFC", t) for t in texts
    )


def _clean_sequence(
    data: list[Any] | tuple[Any, ...], path: str, depth: int
) -> tuple[list[Any] | tuple[Any, ...], list[InputProblem]]:
    if len(data) > MAX_ITEMS:
        where = path.rstrip(".") or "body"
        return data, [InputProblem("TOO_MANY_ITEMS", where, f"has more than {MAX_ITEMS} items")]
    items, found = [], []
    for i, item in enumerate(data):
        clean, problems = clean_tree(item, f"{path}{i}.", depth + 1)
        items.append(clean)
        found += problems
    return (tuple(items) if isinstance(data, tuple) else items), found


def _clean_text(text: str, where: str) -> tuple[str, list[InputProblem]]:
    if message := text_problem(text):
        return text, [InputProblem(_code_for(message), where, message)]
    if unicodedata.is_normalized("NFC", text):
        return text, []
    return unicodedata.normalize("NFC", text), []


def _clean_mapping(
    data: Mapping[Any, Any], path: str, depth: int
) -> tuple[dict[Any, Any], list[InputProblem]]:
    out: dict[Any, Any] = {}
    found: list[InputProblem] = []
    for key, item in data.items():
        if isinstance(key, str) and (message := text_problem(key)):
            found.append(InputProblem("INVALID_CHARACTER", path.rstrip(".") or "body",
                                      f"has a field name that {message}"))
            continue
        clean, problems = clean_tree(item, f"{path}{key}.", depth + 1)
        out[key] = clean
        found += problems
    return out, found


def la_child_id_problem(value: str) -> str | None:
    """Why ``value`` is not an LA child id the CIN census can carry, or None when it is.

    The CIN specification allows at most 10 characters; we also keep to letters, digits and
    ``/ _ -`` (starting with a letter or digit), so an id can never be read as a spreadsheet
    formula, carry a space or break the census XML."""
    if len(value) > LA_CHILD_ID_MAX:
        return f"LA child id must be at most {LA_CHILD_ID_MAX} characters"
    if not _LA_CHILD_ID.match(value):
        return ("LA child id must be letters, digits, '/', '_' or '-',"
                " starting with a letter or digit")
    return None


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON document, without parsing it."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def json_depth_problem(raw: bytes, limit: int = MAX_DEPTH) -> str | None:
    """A message when ``raw`` nests deeper than ``limit`` (the body is refused unparsed)."""
    if json_depth(raw) > limit:
        return f"JSON is nested deeper than {limit} levels"
    return None
