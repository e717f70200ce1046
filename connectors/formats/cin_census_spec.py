"""Which CIN census specification a file follows, and checking it against that year's XSD.

The DfE publishes one XML schema per collection year; ``schemas/cin_census/`` holds the ones
this hub reads (``SOURCE.md`` says where each came from). ``Header/CollectionDetails/Year`` is
the year the census ends: ``2026`` is the 2025-26 census. A file is refused before anything is
published when its year is not one the hub holds a schema for, when it carries elements of
another year's specification, or when it fails its schema: one error naming the line and the
element, never a value from the file (values are personal data).

The file is streamed (lxml ``iterparse``), each ``<Child>`` validated and freed in turn, so
memory stays bounded whatever the file's size and an error knows its line. A DOCTYPE is
refused (no entity is ever expanded or fetched).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from connectors.base import MalformedFileError

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas" / "cin_census"
# Collection year (the census's end year, Header Year) -> the XSD the DfE published for it.
SCHEMAS = {2025: "CIN_schema_2025.xsd", 2026: "CIN_schema_2026.xsd"}
# Elements that only another year's specification has: (element, the years it belongs to).
FOREIGN = {
    "GenderCurrent": "2023-24 or earlier (GenderCurrent was replaced by Sex in 2024-25)",
    "PreProceedingsandFGDM": "2026-27 (the pre-proceedings / family group decision-making module)",
}
_ELEMENT = re.compile(r"Element '([^']+)'")
_QUOTED = re.compile(r"'[^']*'")
_CODE_LIST = re.compile(r"the set \{[^}]*\}")
_NAMES = ("Element ", "facet ", "type ", "pattern ")  # what precedes a quoted schema name


def label(year: int) -> str:
    """2026 -> '2025-26'."""
    return f"{year - 1}-{year % 100:02d}"


def schema(year: int) -> etree.XMLSchema:
    """A fresh schema object per file: lxml keeps the last validation's errors on it."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / SCHEMAS[year])))


def secure_iterparse(source: IO[bytes], **options: object) -> Iterator[tuple[str, etree._Element]]:
    """iterparse that never loads a DTD, resolves an entity or touches the network."""
    return etree.iterparse(  # type: ignore[no-any-return]
        source, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, **options,
    )


def release(element: etree._Element) -> None:
    """Free a parsed element and the siblings before it (bounded memory while streaming)."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]  # type: ignore[union-attr]


@dataclass(frozen=True)
class Header:
    year: int  # Header/CollectionDetails/Year: the census's end year
    reference_date: str | None
    produced_at: str | None  # Header/Source/DateTime


def read_header(path: Path) -> Header:
    """The header, read up to ``<Children>`` (the rest of the file is not touched)."""
    found: dict[str, str] = {}
    try:
        with path.open("rb") as handle:
            for _event, element in secure_iterparse(handle, events=("end",)):
                if element.tag in {"Children", "Child"}:
                    break
                if element.tag in ("Year", "ReferenceDate", "DateTime") and element.text:
                    found[element.tag] = element.text.strip()
    except etree.XMLSyntaxError as exc:
        raise MalformedFileError(f"{path.name}: not well-formed XML (line {exc.lineno})") from None
    except OSError as exc:
        raise MalformedFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    if not found.get("Year", "").isdigit():
        raise MalformedFileError(
            f"{path.name}: no Header/CollectionDetails/Year, so the census year (and its "
            "specification) cannot be told"
        )
    return Header(int(found["Year"]), found.get("ReferenceDate"), found.get("DateTime"))


def check_year(path: Path, header: Header, expected: int | None) -> int:
    """The collection year to read the file as; refuses years without a held schema."""
    year = header.year
    if expected is not None and year != expected:
        raise MalformedFileError(
            f"{path.name}: this is a {label(year)} census file (Header Year {year}), "
            f"not {label(expected)}"
        )
    if year not in SCHEMAS:
        held = ", ".join(label(y) for y in sorted(SCHEMAS))
        raise MalformedFileError(
            f"{path.name}: this is a {label(year)} census file (Header Year {year}); the hub "
            f"holds the DfE schema for {held} only (schemas/cin_census/SOURCE.md)"
        )
    return year


def validate(path: Path, year: int) -> None:
    """Check the whole file against ``year``'s XSD, one ``<Child>`` at a time; the first
    problem refuses the file, naming its line.

    Each child is validated inside a copy of the header (the schema's root is the message),
    then freed; at the end the message's own structure (header, children, anything else the
    file holds outside a child) is validated with the first child put back."""
    xsd = schema(year)
    root: etree._Element | None = None
    header: etree._Element | None = None
    first: etree._Element | None = None
    try:
        with path.open("rb") as handle:
            for event, element in secure_iterparse(handle, events=("start", "end")):
                if root is None:
                    root = _root(path, element)
                if event == "end" and element.tag == "Header":
                    header = deepcopy(element)
                elif event == "end" and element.tag == "Child":
                    _valid(path, year, xsd, _message(header, element))
                    first = deepcopy(element) if first is None else first
                    element.clear()
                    element.getparent().remove(element)  # type: ignore[union-attr]
    except etree.XMLSyntaxError as exc:
        raise MalformedFileError(
            f"{path.name}: line {exc.lineno}: not well-formed XML (is the file truncated?)"
        ) from None
    if root is not None:
        children = root.find("Children")
        if children is not None and first is not None:
            children.insert(0, first)
        _valid(path, year, xsd, root)


def _root(path: Path, element: etree._Element) -> etree._Element:
    info: Any = element.getroottree().docinfo  # the stubs lack DocInfo.doctype
    if info.doctype or info.internalDTD is not None:
        raise MalformedFileError(f"{path.name}: a DOCTYPE is not allowed in a CIN census file")
    return element


def _message(header: etree._Element | None, child: etree._Element) -> etree._Element:
    message = etree.Element("Message")
    if header is not None:
        message.append(deepcopy(header))
    etree.SubElement(message, "Children").append(deepcopy(child))
    return message


def _valid(path: Path, year: int, xsd: etree.XMLSchema, document: etree._Element) -> None:
    if not xsd.validate(document):
        raise _invalid(path, year, cast(Any, xsd.error_log)[0])


def _withheld(match: re.Match[str]) -> str:
    """A quoted schema name stays; a quoted value from the file (personal data) does not."""
    before = match.string[: match.start()]
    return match[0] if before.endswith(_NAMES) else "(value withheld)"


def _foreign(path: Path, tag: str, line: int, year: int) -> MalformedFileError:
    return MalformedFileError(
        f"{path.name}: line {line}, element <{tag}> belongs to the {FOREIGN[tag]} specification; "
        f"the header says {label(year)}. The file looks like a {FOREIGN[tag].split(' (')[0]} "
        "file: re-export it to the specification of its year"
    )


def _invalid(path: Path, year: int, first: etree._LogEntry) -> MalformedFileError:
    line = first.line
    named = _ELEMENT.match(first.message)
    if named and named[1] in FOREIGN:
        return _foreign(path, named[1], line, year)
    message = _CODE_LIST.sub("the specification's code list", _QUOTED.sub(_withheld, first.message))
    return MalformedFileError(
        f"{path.name}: line {line} fails the {label(year)} CIN census schema: {message}"
    )
