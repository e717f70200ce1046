"""The CIN census XML (DfE "Children in need census" specification; the element names and
order the DfE schema and the public validator ``csc-validator-be-cin`` read).

Dates are ``YYYY-MM-DD``; booleans ``1``/``0``; optional elements are left out when empty.
Nothing here depends on when it runs: the header's DateTime is an input.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime

from hub.census.cin.child import FIRST_YEAR_WITH_SEX
from hub.census.cin.elements import add, document
from hub.census.cin.records import CinChild
from hub.census.cin.xml_details import details
from hub.domain.episodes.years import CensusYear

SOFTWARE = "CIN Hub"
RELEASE = "1.0"


def _header(root: ET.Element, year: CensusYear, la_code: str, produced_at: datetime) -> None:
    header = ET.SubElement(root, "Header")
    add(
        header,
        "CollectionDetails",
        ("Collection", "CIN"),
        ("Year", str(year.end.year)),
        ("ReferenceDate", year.end),
    )
    add(
        header,
        "Source",
        ("SourceLevel", "L"),
        ("LEA", la_code),
        ("SoftwareCode", SOFTWARE),
        ("Release", RELEASE),
        ("SerialNo", "001"),
        ("DateTime", produced_at.strftime("%Y-%m-%dT%H:%M:%S")),
    )


def _child(parent: ET.Element, c: CinChild, year: CensusYear) -> None:
    child = ET.SubElement(parent, "Child")
    sex = "Sex" if year.start_year >= FIRST_YEAR_WITH_SEX else "GenderCurrent"
    add(
        child,
        "ChildIdentifiers",
        ("LAchildID", c.la_child_id),
        ("UPN", c.upn),
        ("FormerUPN", c.former_upn),
        ("UPNunknown", c.upn_unknown),
        ("PersonBirthDate", c.birth_date),
        (sex, c.sex),
    )
    traits = add(child, "ChildCharacteristics", ("Ethnicity", c.ethnicity))
    add(traits, "Disabilities", *(("Disability", d) for d in c.disabilities))
    for d in c.details:
        details(child, d)


def render(
    children: Sequence[CinChild], year: CensusYear, la_code: str, produced_at: datetime
) -> bytes:
    root = ET.Element("Message")
    _header(root, year, la_code, produced_at)
    listed = ET.SubElement(root, "Children")
    for c in children:
        _child(listed, c, year)
    return document(root)
