"""The additional-services return as files: CSV (episodes; consent-limited counts apart)
and XML (both, as schemas/census/AdditionalServices.xsd describes). Bytes, no I/O."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from hub.census import additional, consent_counts
from hub.census.additional import ChildFacts
from hub.census.cin.elements import document
from hub.census.cin.xml import SOFTWARE
from hub.census.safe_cells import safe_cell
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.years import CensusYear
from hub.domain.outputs.counts import ConsentLimitedUse


class _Lines(list[str]):
    """Where the csv module writes: lines in memory (no file, no io buffer)."""

    def write(self, line: str) -> None:
        self.append(line)


def _csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """Every cell passes :func:`safe_cell`: a spreadsheet shows formulas as text."""
    out = _Lines()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return "".join(out).encode()


def episodes_csv(
    episodes: Iterable[ServiceEpisode], year: CensusYear, facts: ChildFacts | None = None
) -> bytes:
    rows = additional.rows(episodes, year, facts)
    return _csv(additional.COLUMNS, ([r[c] for c in additional.COLUMNS] for r in rows))


def consent_limited_csv(uses: Iterable[ConsentLimitedUse], year: CensusYear) -> bytes:
    found = consent_counts.counts(uses, year)
    return _csv(consent_counts.COLUMNS, ([*key, str(n)] for key, n in found))


def _leaf(parent: ET.Element, tag: str, text: str) -> None:
    if text:
        ET.SubElement(parent, tag).text = text


def return_xml(
    episodes: Iterable[ServiceEpisode],
    uses: Iterable[ConsentLimitedUse],
    year: CensusYear,
    la_code: str,
    facts: ChildFacts | None = None,
) -> bytes:
    chosen = additional.rows(episodes, year, facts)
    found = consent_counts.counts(uses, year)
    root = ET.Element("AdditionalServicesReturn")
    header = ET.SubElement(root, "Header")
    for tag, text in (
        ("CensusYear", year.label),
        ("ReferenceDate", year.end.isoformat()),
        ("LEA", la_code),
        ("SoftwareCode", SOFTWARE),
        ("EpisodeCount", str(len(chosen))),
    ):
        _leaf(header, tag, text)
    listed = ET.SubElement(root, "ServiceEpisodes")
    for episode_row in chosen:
        record = ET.SubElement(listed, "ServiceEpisode")
        for column, text in episode_row.items():
            _leaf(record, column, text)
    limited = ET.SubElement(root, "ConsentLimitedCounts")
    for key, n in found:
        count = ET.SubElement(limited, "Count")
        for tag, text in zip(consent_counts.COLUMNS, (*key, str(n)), strict=True):
            _leaf(count, tag, text)
    return document(root)
