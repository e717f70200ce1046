"""Reading an XML export as a stream: one root element holding a counted list of records.

Parsed with defusedxml, so a hostile document (entity expansion, external entities) is
refused rather than expanded. A file is malformed (and nothing from it is published) when it
is not UTF-8 or not well-formed XML (a truncated file never is), nests deeper than
:data:`MAX_FILE_DEPTH`, has another root, or its declared count differs from the records it
holds. :func:`check_xml` finds out in one streaming pass (iterparse, each record dropped once
read); :func:`iter_xml` then yields the records one at a time, so memory stays flat whatever
the file's size. Each record's original is its own XML. Messages never quote a value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from connectors.base import MalformedFileError, SourceRow
from connectors.formats.csv_export import check_utf8, shown_count

Fields = Callable[[Element], dict[str, Any]]
MAX_FILE_DEPTH = 32


def _elements(path: Path, root: str, record: str, count: str) -> Iterator[Element]:
    """Each record element as it completes; the structure is checked on the way."""
    depth, found, declared = 0, 0, None
    top: Element | None = None
    try:
        for event, element in iterparse(path, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth > MAX_FILE_DEPTH:
                    raise MalformedFileError(f"{path.name}: nested deeper than {MAX_FILE_DEPTH}")
                if depth == 1:
                    top, declared = element, element.get(count)
                    if element.tag != root:
                        raise MalformedFileError(f"{path.name}: the root is not <{root}>")
                continue
            depth -= 1
            if depth == 1 and top is not None:
                if element.tag == record:
                    found += 1
                    yield element
                top.clear()  # the record is used: drop it (the count was read at the start)
    except (ParseError, DefusedXmlException, UnicodeDecodeError) as exc:
        raise MalformedFileError(f"{path.name}: not well-formed XML ({_reason(exc)})") from None
    except OSError as exc:
        raise MalformedFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    if declared != str(found):
        raise MalformedFileError(
            f"{path.name}: {count} is {shown_count(declared)} but the file holds {found}"
            f" <{record}> elements (is the file truncated?)"
        )


def _reason(exc: Exception) -> str:
    if isinstance(exc, ParseError):
        line, column = exc.position
        return f"line {line}, column {column}"
    return type(exc).__name__


def check_xml(path: Path, root: str, record: str, count: str) -> int:
    """Check the whole document's structure without keeping it; the number of records."""
    check_utf8(path)
    return sum(1 for _ in _elements(path, root, record, count))


def iter_xml(path: Path, root: str, record: str, count: str, fields: Fields) -> Iterator[SourceRow]:
    """The document's records one at a time (call :func:`check_xml` first)."""
    for number, item in enumerate(_elements(path, root, record, count), start=1):
        yield SourceRow(number, f"{path.name} {record.lower()} {number}", _original(item),
                        fields(item))


def read_xml(path: Path, root: str, record: str, count: str, fields: Fields) -> list[SourceRow]:
    """Every record of a small document at once (structure checked first)."""
    check_xml(path, root, record, count)
    return list(iter_xml(path, root, record, count, fields))


def _original(element: Element) -> bytes:
    return tostring(element, encoding="unicode").strip().encode()  # without the tail


def flatten(element: Element, prefix: str = "", skip: Collection[str] = ()) -> dict[str, Any]:
    """Attributes as ``@name``, leaf elements by tag, nested ones as ``Tag/...``."""
    flat: dict[str, Any] = {f"{prefix}@{name}": value for name, value in element.attrib.items()}
    for child in element:
        if child.tag in skip:
            continue
        if len(child) or child.attrib:
            flat |= flatten(child, f"{prefix}{child.tag}/", skip)
        else:
            flat[f"{prefix}{child.tag}"] = child.text
    return flat
