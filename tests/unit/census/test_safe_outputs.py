"""Census outputs a spreadsheet cannot run and an XML parser always reads."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from hub.census.additional_files import _csv
from hub.census.cin.elements import UnsafeXmlError, add, document
from hub.census.safe_cells import safe_cell


@pytest.mark.parametrize("formula", ["=1+1", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x")',
                                     "+1+1", "-1+2", "@SUM(A1:A2)", "\t=1", "\r=1"])
def test_a_formula_is_shown_as_text(formula):
    assert safe_cell(formula) == "'" + formula


@pytest.mark.parametrize("plain", ["-12.50", "+3", "42", "ep-1", "Short breaks", ""])
def test_numbers_and_text_are_left_alone(plain):
    assert safe_cell(plain) == plain


def test_every_csv_cell_passes_through_safe_cell():
    data = _csv(["Provider", "Amount"], [["=HYPERLINK(\"x\")", "-5.00"], ["@A1", "3"]])
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows == [["Provider", "Amount"], ["'=HYPERLINK(\"x\")", "-5.00"], ["'@A1", "3"]]


@pytest.mark.parametrize("bad", ["A\x0bB", "\x00", "x\ud800", "\ufffe", "\x1b[0m"])
def test_xml_refuses_characters_it_cannot_hold_without_quoting_them(bad):
    root = ET.Element("Message")
    add(root, "ChildIdentifiers", ("LAchildID", bad))
    with pytest.raises(UnsafeXmlError) as refused:
        document(root)
    assert "LAchildID" in str(refused.value) and bad not in str(refused.value)


def test_xml_with_any_valid_text_is_written_and_parses():
    root = ET.Element("Message")
    add(root, "ChildIdentifiers", ("LAchildID", "CF1<&>\"'"), ("Name", "Zoë 😀\ttab"))
    parsed = ET.fromstring(document(root))
    assert parsed.findtext("ChildIdentifiers/LAchildID") == "CF1<&>\"'"
