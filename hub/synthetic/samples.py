"""Cut small sample exports for ``connectors/samples`` from a generated authority.

Run ``python -m hub.synthetic.samples`` to regenerate them: a few whole children per
source (so CSC sequences and YOT referral/closure pairs stay complete), at most ~30 rows.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from pathlib import Path

from hub.synthetic.calendar import CensusYear
from hub.synthetic.targets import TARGETS
from hub.synthetic.writer import generate

SAMPLE_SLAS = ("SLA-CWD-01", "SLA-EW-01", "SLA-FS-01")
SEED, CHILDREN, TARGET_ROWS, MAX_ROWS = 7, 400, 15, 30
_RECORD_ID = re.compile(r'^<Decision id="([^"]+)"')


def _owners(outdir: Path) -> dict[tuple[str, str], str]:
    with (outdir / "ground_truth.csv").open(encoding="utf-8") as handle:
        return {(r["source"], r["source_record_id"]): r["true_child_id"]
                for r in csv.DictReader(handle)}


KEPT: set[str] = set()  # "<source>:<record id>" of every sampled record


def _keep(ids: list[str], source: str, owners: dict[tuple[str, str], str]) -> set[str]:
    """Record ids of the first whole children whose rows reach the target size."""
    by_child: dict[str, list[str]] = {}
    for record_id in ids:
        by_child.setdefault(owners[(source, record_id)], []).append(record_id)
    kept: list[str] = []
    for rows in by_child.values():
        if len(kept) >= TARGET_ROWS:
            break
        if len(kept) + len(rows) <= MAX_ROWS:
            kept.extend(rows)
    KEPT.update(f"{source}:{record_id}" for record_id in kept)
    return set(kept)


def _cut_lines(text: str, source: str, owners: dict[tuple[str, str], str]) -> str:
    """CSV and XML: one record per line after the header."""
    lines = text.split("\r\n" if "\r\n" in text else "\n")
    if source == "panel":
        body = [line for line in lines if line.startswith("<Decision")]
        kept = _keep([_RECORD_ID.match(b)[1] for b in body], source, owners)  # type: ignore[index]
        chosen = [b for b in body if _RECORD_ID.match(b)[1] in kept]  # type: ignore[index]
        header = re.sub(r'count="\d+"', f'count="{len(chosen)}"', "\n".join(lines[:2]))
        return "\n".join([header, *chosen, lines[-2], ""])
    body = [line for line in lines[1:] if line]
    kept = _keep([b.split(",", 1)[0] for b in body], source, owners)
    chosen = [b for b in body if b.split(",", 1)[0] in kept]
    return "\r\n".join([lines[0], *chosen, ""])


def _cut_json(text: str, owners: dict[tuple[str, str], str]) -> str:
    document = json.loads(text)
    kept = _keep([r["cafId"] for r in document["records"]], "ecaf", owners)
    records = [r for r in document["records"] if r["cafId"] in kept]
    head = text.split("\n", 1)[0].replace(f'"recordCount": {len(document["records"])}',
                                           f'"recordCount": {len(records)}')
    rows = ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    return f"{head}\n{rows}\n]}}\n"


def write_samples(destination: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        outdir = Path(scratch)
        generate(outdir, CHILDREN, SEED, CensusYear.parse("2025-26"))
        owners = _owners(outdir)
        for target in TARGETS:
            if target.path.startswith("provider_returns/") and not any(
                    sla in target.path for sla in SAMPLE_SLAS):
                continue
            text = (outdir / target.path).read_text(encoding="utf-8")
            cut = (_cut_json(text, owners) if target.source == "ecaf"
                   else _cut_lines(text, target.source, owners))
            path = destination / target.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(cut, encoding="utf-8", newline="")
        _cut_truth(outdir, destination)


def _cut_truth(outdir: Path, destination: Path) -> None:
    """The truth rows of the sampled records, so connector tests can check identities."""
    for name, key in (("link_records.csv", 0), ("ground_truth.csv", None)):
        lines = (outdir / name).read_text(encoding="utf-8").splitlines()
        chosen = [line for line in lines[1:] if _truth_id(line, key) in KEPT]
        (destination / name).write_text("\n".join([lines[0], *chosen, ""]), encoding="utf-8")


def _truth_id(line: str, key: int | None) -> str:
    cells = line.split(",")
    return cells[0] if key == 0 else f"{cells[0]}:{cells[1]}"


if __name__ == "__main__":
    write_samples(Path(__file__).resolve().parents[2] / "connectors" / "samples")
