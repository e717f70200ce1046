"""The exports parse as documented in connectors/FORMATS.md, and the manifest adds up."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hub.synthetic.calendar import CensusYear
from hub.synthetic.targets import TARGETS
from hub.synthetic.truth import LINK_COLUMNS
from hub.synthetic.writer import generate

REPO = Path(__file__).resolve().parents[3]
FORMATS = (REPO / "connectors" / "FORMATS.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("authority")
    generate(path, 800, 11, CensusYear.parse("2025-26"))
    return path


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _records(path: Path) -> int:
    if path.suffix == ".json":
        return len(json.loads(path.read_text(encoding="utf-8"))["records"])
    if path.suffix == ".xml":
        return len(ET.parse(path).getroot().findall("Decision"))
    return len(_csv_rows(path))


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.path)
def test_every_file_parses_and_matches_the_manifest(outdir: Path, target: object) -> None:
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    path = outdir / target.path  # type: ignore[attr-defined]
    assert _records(path) == manifest["files"][target.path]  # type: ignore[attr-defined]


@pytest.mark.parametrize("target", [t for t in TARGETS if t.path.endswith(".csv")],
                         ids=lambda t: t.path)
def test_csv_headers_are_the_documented_ones(target: object) -> None:
    header = target.header.lstrip("\ufeff")  # type: ignore[attr-defined]
    assert f"Header: `{header}`" in FORMATS or f"Header (every SLA file): `{header}`" in FORMATS


def test_json_and_xml_documents_are_well_formed(outdir: Path) -> None:
    document = json.loads((outdir / "ecaf.json").read_text(encoding="utf-8"))
    assert document["recordCount"] == len(document["records"])
    assert {r["status"] for r in document["records"]} <= {"OPEN", "CLOSED"}
    root = ET.parse(outdir / "panel.xml").getroot()
    assert int(root.get("count", "-1")) == len(root)
    for line in root.iter("Line"):
        assert re.fullmatch(r"\d+\.\d\d", line.get("amount", ""))
        assert line.get("measure") in {"D", "M", "S"}


def test_link_files_have_one_unique_row_per_record(outdir: Path) -> None:
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    links = _csv_rows(outdir / "link_records.csv")
    assert tuple(links[0]) == LINK_COLUMNS
    assert len(links) == manifest["records"] == len(_csv_rows(outdir / "ground_truth.csv"))
    assert len({row["record_id"] for row in links}) == len(links)
    truth = _csv_rows(outdir / "link_truth.csv")
    assert [row["record_id"] for row in truth] == [row["record_id"] for row in links]


def test_samples_parse_like_full_exports() -> None:
    samples = REPO / "connectors" / "samples"
    present = [t for t in TARGETS if (samples / t.path).exists()]
    assert {t.source for t in present} == {t.source for t in TARGETS}
    for target in present:
        assert 10 <= _records(samples / target.path) <= 30, target.path
