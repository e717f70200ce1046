"""What changed between two compiled census folders: per file, and per row for CSV and JSON.

Used by ``hub replay`` to show, before switching over, how the rebuilt year differs from the
current one. Rows are compared as whole lines (the CSVs are sorted by the compiler), so the
counts say how many records appeared or disappeared; personal data is never printed, only
counts and file names.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

COMPARED_AS_ROWS = (".csv", ".json", ".xml")


@dataclass(frozen=True)
class FileDiff:
    name: str
    status: str  # same | changed | only-current | only-replay
    rows_added: int = 0
    rows_removed: int = 0


@dataclass(frozen=True)
class CensusDiff:
    files: tuple[FileDiff, ...] = field(default_factory=tuple)

    @property
    def identical(self) -> bool:
        return all(f.status == "same" for f in self.files)

    def as_dict(self) -> dict[str, object]:
        return {
            "identical": self.identical,
            "files": [vars(f) for f in self.files],
        }


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def _compare(name: str, current: Path, replay: Path) -> FileDiff:
    if _sha(current) == _sha(replay):
        return FileDiff(name, "same")
    if not name.endswith(COMPARED_AS_ROWS):
        return FileDiff(name, "changed")
    before, after = Counter(_rows(current)), Counter(_rows(replay))
    removed, added = sum((before - after).values()), sum((after - before).values())
    return FileDiff(name, "changed", rows_added=added, rows_removed=removed)


def diff_folders(current: Path, replay: Path, ignore: tuple[str, ...] = ()) -> CensusDiff:
    """Compare every file the two folders hold (``ignore``: names that always differ)."""
    names = sorted(
        {p.name for p in current.iterdir() if p.is_file()}
        | {p.name for p in replay.iterdir() if p.is_file()}
    )
    diffs = []
    for name in (n for n in names if n not in ignore):
        a, b = current / name, replay / name
        if not a.exists():
            diffs.append(FileDiff(name, "only-replay"))
        elif not b.exists():
            diffs.append(FileDiff(name, "only-current"))
        else:
            diffs.append(_compare(name, a, b))
    return CensusDiff(tuple(diffs))
