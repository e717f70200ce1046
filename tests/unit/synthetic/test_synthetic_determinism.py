"""Same arguments, same bytes; another seed, another authority."""

from __future__ import annotations

from pathlib import Path

from hub.synthetic.calendar import CensusYear
from hub.synthetic.writer import generate

YEAR = CensusYear.parse("2025-26")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", 300, 42, YEAR)
    generate(tmp_path / "b", 300, 42, YEAR)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert first.keys() == second.keys()
    assert "link_records.csv" in first and not any(".spool" in name for name in first)
    for name in first:
        assert first[name] == second[name], name


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", 300, 1, YEAR)
    generate(tmp_path / "b", 300, 2, YEAR)
    name = "link_records.csv"
    assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()


def test_another_year_moves_every_date(tmp_path: Path) -> None:
    manifest = generate(tmp_path, 200, 1, CensusYear.parse("2024-25"))
    assert (manifest["census_start"], manifest["census_end"]) == ("2024-04-01", "2025-03-31")
