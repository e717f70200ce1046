"""Writing XML elements the census way: ISO dates, 1/0 booleans, empty values left out.

:func:`document` writes only from characters XML 1.0 allows and parses its own output
before handing it back: a value that would make the return malformed raises
:class:`UnsafeXmlError` naming the element, never the value, and nothing is written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from defusedxml.ElementTree import fromstring

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


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters outside XML 1.0's Char production: control characters, surrogates, U+FFFE/F."""


class UnsafeXmlError(ValueError):
    """The document would not be well-formed XML; nothing may be written."""


def _check_characters(root: ET.Element) -> None:
    for element in root.iter():
        texts = [element.text or "", element.tail or "", *element.attrib.values()]
        if any(_NOT_XML.search(text) for text in texts):
            raise UnsafeXmlError(f"<{element.tag}> holds a character XML does not allow")


def document(root: ET.Element) -> bytes:
    """UTF-8 bytes with a declaration, indented, ending in a newline; checked well-formed."""
    _check_characters(root)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    data = f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
    try:
        fromstring(data)
    except ET.ParseError as exc:
        raise UnsafeXmlError(f"the {root.tag} document is not well-formed ({exc})") from None
    return data
