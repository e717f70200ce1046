"""A small XSD checker for the census schemas we write: sequences, occurrences, enumerations,
patterns and dates. Enough to hold our own output to our own schema without a new dependency.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

XS = "{http://www.w3.org/2001/XMLSchema}"


class Schema:
    def __init__(self, path: Path) -> None:
        self.root = ET.parse(path).getroot()
        self.complex = {
            t.get("name"): t for t in self.root.iter(f"{XS}complexType") if t.get("name")
        }
        self.simple = {t.get("name"): t for t in self.root.iter(f"{XS}simpleType") if t.get("name")}

    def problems(self, document: ET.Element) -> list[str]:
        top = next(e for e in self.root.findall(f"{XS}element"))
        if document.tag != top.get("name"):
            return [f"root is {document.tag}"]
        return self._element(document, top, document.tag)

    def _element(self, node: ET.Element, decl: ET.Element, where: str) -> list[str]:
        kind = decl.get("type", "")
        inline = decl.find(f"{XS}complexType")
        if inline is not None or kind in self.complex:
            return self._sequence(node, inline if inline is not None else self.complex[kind], where)
        return [] if self._simple_ok(node.text or "", kind) else [f"{where}: {node.text!r}"]

    def _sequence(self, node: ET.Element, complex_type: ET.Element, where: str) -> list[str]:
        children, found = list(node), []
        for decl in complex_type.find(f"{XS}sequence") or []:
            name, low = decl.get("name"), int(decl.get("minOccurs", "1"))
            many = decl.get("maxOccurs") == "unbounded"
            taken = []
            while children and children[0].tag == name and (many or not taken):
                taken.append(children.pop(0))
            if len(taken) < low:
                found.append(f"{where}: missing {name}")
            for child in taken:
                found += self._element(child, decl, f"{where}/{name}")
        return found + [f"{where}: unexpected {c.tag}" for c in children]

    def _simple_ok(self, text: str, kind: str) -> bool:
        if kind == "xs:date":
            return bool(date.fromisoformat(text))
        if kind in ("xs:decimal", "xs:integer", "xs:nonNegativeInteger", "xs:positiveInteger"):
            return bool(re.fullmatch(r"-?\d+(\.\d+)?" if kind == "xs:decimal" else r"\d+", text))
        if kind not in self.simple:
            return kind == "xs:string"
        return self._restricted(text, self.simple[kind])

    def _restricted(self, text: str, simple: ET.Element) -> bool:
        union = simple.find(f"{XS}union")
        if union is not None:
            inner = [self.simple[n] for n in union.get("memberTypes", "").split()]
            inner += union.findall(f"{XS}simpleType")
            return any(self._restricted(text, s) for s in inner)
        restriction = simple.find(f"{XS}restriction")
        allowed = [e.get("value") for e in restriction.findall(f"{XS}enumeration")]
        patterns = [p.get("value") for p in restriction.findall(f"{XS}pattern")]
        return (not allowed or text in allowed) and all(
            re.fullmatch(p, text) for p in patterns if p
        )
