"""Reading an XML export whole: one root element holding a counted list of record elements.

Parsed with defusedxml, so a hostile document (entity expansion, external entities) is
refused rather than expanded. A file is malformed (and nothing from it is published) when it
is not UTF-8 or not well-formed XML (a truncated file never is), has another root, or its
declared count differs from the records it holds. Each record's original is its own XML.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from connectors.base import MalformedFileError, SourceRow
from connectors.formats.csv_export import decode_utf8

Fields = Callable[[Element], dict[str, Any]]


def read_xml(path: Path, root: str, record: str, count: str, fields: Fields) -> list[SourceRow]:
    found = _records(path, root, record, count)
    return [
        SourceRow(number, f"{path.name} {record.lower()} {number}", _original(item), fields(item))
        for number, item in enumerate(found, start=1)
    ]


def _records(path: Path, root: str, record: str, count: str) -> list[Element]:
    try:
        document: Element = fromstring(decode_utf8(path))
    except (ParseError, DefusedXmlException) as exc:
        raise MalformedFileError(f"{path.name}: not well-formed XML ({exc})") from None
    if document.tag != root:
        raise MalformedFileError(f"{path.name}: the root is <{document.tag}>, not <{root}>")
    found = document.findall(record)
    if document.get(count) != str(len(found)):
        raise MalformedFileError(
            f"{path.name}: {count} is {document.get(count)!r} but the file holds"
            f" {len(found)} <{record}> elements (is the file truncated?)"
        )
    return found


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
