"""Writing XML elements the census way: ISO dates, 1/0 booleans, empty values left out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

Value = str | date | bool | int | None


def as_text(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return value.isoformat() if isinstance(value, date) else str(value)


def add(parent: ET.Element, tag: str, *fields: tuple[str, Value]) -> ET.Element:
    element = ET.SubElement(parent, tag)
    for name, value in fields:
        add_leaf(element, name, value)
    return element


def add_leaf(parent: ET.Element, tag: str, value: Value) -> None:
    """One simple element, left out when the value is empty."""
    if (written := as_text(value)) is not None:
        ET.SubElement(parent, tag).text = written


def document(root: ET.Element) -> bytes:
    """UTF-8 bytes with a declaration, indented, ending in a newline."""
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
