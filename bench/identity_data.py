"""Synthetic identity data for the benchmarks: generate once per (children, seed), then reuse.

Data comes from ``hub demo-data --children N --seed S OUTDIR`` (the synthetic authority),
which writes ``link_records.csv`` (person records in arrival order) and ``link_truth.csv``
(``record_id,true_child_id``). Generated directories are cached under ``out/identity-data``.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from hub.adapters.files.person_csv import open_input, read_person_records
from hub.domain.identity.records import PersonRecord

CACHE = Path(__file__).resolve().parent.parent / "out" / "identity-data"


def dataset(children: int, seed: int, cache: Path = CACHE) -> Path:
    """The directory holding link_records.csv and link_truth.csv, generating it if needed."""
    outdir = cache / f"children-{children}-seed-{seed}"
    if not (outdir / "link_truth.csv").exists():
        hub = Path(sys.executable).with_name("hub")
        command = [str(hub), "demo-data", "--children", str(children), "--seed", str(seed)]
        subprocess.run([*command, str(outdir)], check=True, stdout=subprocess.DEVNULL)
    return outdir


def load_records(outdir: Path) -> list[PersonRecord]:
    with open_input(outdir / "link_records.csv") as handle:
        return list(read_person_records(handle))


def load_truth(outdir: Path) -> dict[str, str]:
    with (outdir / "link_truth.csv").open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["true_child_id"] for row in csv.DictReader(handle)}
