"""Generate the whole synthetic authority into a directory, streaming every file.

Rows are spooled by event date (:mod:`.spool`) and written in that order; nothing grows
with the population except per-source counters. Same arguments give the same bytes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from typing import Any

from hub.synthetic import GENERATOR_VERSION, truth
from hub.synthetic.calendar import CensusYear, iso_z
from hub.synthetic.context import Case, Context
from hub.synthetic.population import Population
from hub.synthetic.record import Out
from hub.synthetic.services import Plan, plan_family
from hub.synthetic.spool import Spool
from hub.synthetic.stats import Stats
from hub.synthetic.targets import EXPORTERS, SOURCES, TARGETS, Target, target_key

Progress = Callable[[int], None]


def generate(outdir: Path, children: int, seed: int, year: CensusYear,
             progress: Progress | None = None) -> dict[str, Any]:
    """Write every export, the truth files and ``manifest.json``; return the manifest."""
    outdir.mkdir(parents=True, exist_ok=True)
    scratch = outdir / ".spool"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    spools = {t.path: Spool(scratch, f"s{i}") for i, t in enumerate(TARGETS)}
    links = Spool(scratch, "links")
    ctx, stats = Context(year, seed), Stats()
    families = 0
    for family in Population(children, year, seed).families():
        families += 1
        for child, plan in zip(family, plan_family(ctx.rng("services"), family, year),
                               strict=True):
            for out in _case_records(Case(child, plan), ctx):
                key = out.sort_key
                spools[target_key(out)].add(key, out.row)
                links.add(key, truth.spool_line(out))
                stats.add(out, plan)
        if progress:
            progress(len(family))
    exported = iso_z(datetime.combine(year.end, time(23, 0)))
    files = {t.path: _write_target(outdir, t, spools[t.path], exported) for t in TARGETS}
    _write_truth(outdir, links)
    shutil.rmtree(scratch, ignore_errors=True)
    manifest = _manifest(seed, year, children=children, families=families, files=files,
                         stats=stats)
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return manifest


def _case_records(case: Case, ctx: Context) -> list[Out]:
    plan: Plan = case.plan
    if not plan.csc and (plan.care_leaver or (plan.disabled and ctx.rng("la-id").random() < 0.4)):
        case.la_child_id = ctx.new_id("", 6)  # known to CSC in earlier years
    return [out for exporter in EXPORTERS for out in exporter(case, ctx)]


def _write_target(outdir: Path, target: Target, spool: Spool, exported: str) -> int:
    path = outdir / target.path
    path.parent.mkdir(parents=True, exist_ok=True)
    header = target.header.replace("{count}", str(spool.count)).replace("{exported}", exported)
    end = target.newline
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + end)
        for number, line in enumerate(spool.lines()):
            handle.write((target.separator + end if number else "") + line)
        if spool.count:
            handle.write(end)
        if target.footer:
            handle.write(target.footer + end)
    return spool.count


def _write_truth(outdir: Path, links: Spool) -> None:
    names = ("link_records.csv", "link_truth.csv", "ground_truth.csv")
    headers = (truth.LINK_HEADER, truth.LINK_TRUTH_HEADER, truth.GROUND_TRUTH_HEADER)
    handles = [(outdir / name).open("w", encoding="utf-8", newline="") for name in names]
    try:
        for handle, header in zip(handles, headers, strict=True):
            handle.write(header + "\n")
        for line in links.lines():
            for handle, row in zip(handles, truth.split(line), strict=True):
                handle.write(row + "\n")
    finally:
        for handle in handles:
            handle.close()


def _manifest(seed: int, year: CensusYear, *, children: int, families: int,
              files: dict[str, int], stats: Stats) -> dict[str, Any]:
    counts = dict.fromkeys(SOURCES, 0)
    for target in TARGETS:
        counts[target.source] += files[target.path]
    return {
        "generator": "hub.synthetic", "generator_version": GENERATOR_VERSION, "seed": seed,
        "year": year.label, "census_start": year.start.isoformat(),
        "census_end": year.end.isoformat(), "children": children, "families": families,
        "counts": counts, "files": files, "records": sum(counts.values()),
        "stats": stats.summary(),
    }
