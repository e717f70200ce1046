"""The census return's service rules checked against the synthetic authority's ground truth.

    .venv/bin/python bench/census_rules.py --exports DIR [--year 2025-26]
    .venv/bin/python bench/census_rules.py --children 600 --seed 3   # generate first

Publishes every export through its connector into an in-memory log, resolves each event to
a hub child key, derives the episodes (``hub.domain.episodes.derive``) and builds the
additional-services return (``hub.census.additional_files.episodes_csv``): what the worker
and ``hub census compile`` do, without a broker. Then compares with what the exports and
``ground_truth.csv`` say really happened (the true child of every source record):

- V3 double counting: short-break provider rows and panel lines left in the return for a
  true child whose V3 payment covers them (or names their decision);
- planned money: the return's PLANNED amounts against each approved line's in-year share;
- payments whose provider is not the provider of the line they pay (or is a payee);
- EHC plans ceased or transferred out with no plan known before, and whether they made an
  episode; plans in force at go-live carried into the return; amendments with nothing open;
- CAFs closed as disengaged still counted; rows reporting more nights than days;
- the next year's return (open-ended episodes carried on), and a byte-identical rebuild.

With ``--demo-db`` and ``--census-csv`` it compares what ``hub demo`` wrote instead (the
episodes in its SQLite sink, the return it compiled) with the same ground truth.

Measured before the package layout moved (issue 8), the same script (imports as they were
then) ran on an older checkout against the same exports; the figures are in the branch's
report.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import io
import json
import sqlite3
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from time_limit import time_limit

from connectors.registry import CONNECTORS, EXPORT_FILES
from hub import bootstrap
from hub.adapters.memory.log import InMemoryEventLog
from hub.census import additional_files
from hub.config import load_settings
from hub.domain.child.disclosure import Shared, admit
from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.episodes.years import CensusYear
from hub.domain.events import EVENT_MODELS
from hub.domain.identity.resolution import Resolution
from hub.synthetic.calendar import CensusYear as SyntheticYear
from hub.synthetic.writer import generate
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher

PAYEES = {"Parent/carer", "Care leaver", "Direct payment account"}
IN_HOUSE = "In-house (Children's Services)"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


async def _pipeline(exports: Path) -> tuple[list[ServiceEpisode], Counter[str]]:
    settings = load_settings()
    codec, specs = bootstrap.codec(settings), list(bootstrap.topic_specs(settings))
    log = InMemoryEventLog({s.name: s.partitions for s in specs})
    publisher = Publisher(log, codec, specs)
    dead: Counter[str] = Counter()
    for source, name in EXPORT_FILES.items():
        summary = await connect_file(CONNECTORS[source](date(2026, 11, 1)), exports / name,
                                     publisher)
        dead.update({f"{source}:{k}": v for k, v in summary.dead_letters.items()})
    names = [s.name for s in specs if set(s.value) <= set(EVENT_MODELS)]
    events = [codec.decode(r.value) for n in names for r in await log.read_all(n)]
    resolution, states = Resolution(), dict[str, EpisodeState]()
    episodes: list[ServiceEpisode] = []
    for event in events:
        child_key, _ = resolution.resolve(event)
        if not isinstance(admit(event), Shared):
            continue
        states[child_key], made = derive(states.get(child_key, EpisodeState()), event, child_key)
        episodes.extend(made)
    return episodes, dead


def _latest(episodes: list[ServiceEpisode]) -> dict[str, ServiceEpisode]:
    best: dict[str, ServiceEpisode] = {}
    for e in episodes:
        if e.episode_id not in best or e.version > best[e.episode_id].version:
            best[e.episode_id] = e
    return best


def _dmy(text: str) -> date | None:
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def _oracle(text: str) -> date:
    return datetime.strptime(text, "%d-%b-%Y").date()


class Truth:
    def __init__(self, exports: Path) -> None:
        self.exports = exports
        self.child = {(r["source"], r["source_record_id"]): r["true_child_id"]
                      for r in _rows(exports / "ground_truth.csv")}
        self.payments = _rows(exports / "finance_payments.csv")
        self.v3: dict[str, list[tuple[date, date, str]]] = defaultdict(list)
        for p in self.payments:
            if p["PaymentType"] == "SHORT_BREAK_V3":
                who = self.child[("finance", p["PaymentRef"])]
                self.v3[who].append((_oracle(p["PeriodFrom"]), _oracle(p["PeriodTo"]),
                                     p["PanelDecisionRef"]))

    def of(self, e: ServiceEpisode) -> str:
        return self.child.get((e.source_system, e.source_record_id), "?")

    def is_v3(self, e: ServiceEpisode) -> bool:
        end = e.end_date or e.start_date
        for start, stop, ref in self.v3.get(self.of(e), ()):
            if e.source_kind == "PANEL_LINE" and ref and ref == e.decision_ref:
                return True
            if e.start_date <= stop and end >= start:
                return True
        return False


def _months(start: date, end: date) -> int:
    return max(1, (end.year - start.year) * 12 + end.month - start.month)


def planned_truth(exports: Path, year: CensusYear) -> dict[str, Decimal]:
    """Planned money in approved lines (the last version of each decision): whole and in-year."""
    final: dict[str, ET.Element] = {}
    for d in ET.parse(exports / "panel.xml").getroot():
        key = d.get("id", "")
        if key not in final or int(d.get("version", "1")) >= int(final[key].get("version", "1")):
            final[key] = d
    whole = in_year = Decimal(0)
    crossing = 0
    for d in final.values():
        if d.findtext("Outcome") != "APPROVED":
            continue
        for line in d.iterfind("Lines/Line"):
            if line.get("measure") != "M":
                continue
            start = date.fromisoformat(line.get("plannedStart", ""))
            end = date.fromisoformat(line.get("plannedEnd", ""))
            amount, freq = Decimal(line.get("amount", "0")), line.get("frequency")
            total = amount * {"ONE_OFF": 1, "MONTHLY": _months(start, end),
                              "WEEKLY": max(1, round((end - start).days / 7))}[freq or "ONE_OFF"]
            days = (end - start).days + 1
            inside = (min(end, year.end) - max(start, year.start)).days + 1
            if inside <= 0:
                continue
            crossing += end > year.end or start < year.start
            whole += total
            in_year += total * Decimal(inside) / Decimal(days)
    return {"whole": whole, "in_year": in_year.quantize(Decimal("0.01")),
            "lines_crossing_the_year": Decimal(crossing)}


def _return(episodes: list[ServiceEpisode], year: CensusYear) -> tuple[bytes, list[dict[str, str]]]:
    data = additional_files.episodes_csv(episodes, year)
    return data, list(csv.DictReader(io.StringIO(data.decode())))


def measure(exports: Path, label: str) -> dict[str, Any]:
    """Run the pipeline in memory over ``exports``, then compare with the ground truth."""
    episodes, dead = asyncio.run(_pipeline(exports))
    year = CensusYear.parse(label)
    data, rows = _return(episodes, year)
    out = compare(exports, year, episodes, data, rows, dead)
    following = CensusYear(year.start_year + 1)
    latest = _latest(episodes)
    out["next_year_rows_open_ended"] = sum(
        latest[r["EpisodeID"]].end_date is None for r in _return(episodes, following)[1])
    again, _ = _return(list(reversed(episodes)), year)
    out["rebuild_identical"] = again == data
    return out


def measure_demo(exports: Path, label: str, database: Path, census_csv: Path) -> dict[str, Any]:
    """Compare what ``hub demo`` wrote (its SQLite sink and its return) with the ground truth."""
    with sqlite3.connect(database) as conn:
        found = conn.execute("select record_json from service_episodes").fetchall()
    episodes = [ServiceEpisode.model_validate_json(j) for (j,) in found]
    data = census_csv.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    return compare(exports, CensusYear.parse(label), episodes, data, rows, Counter())


def compare(exports: Path, year: CensusYear, episodes: list[ServiceEpisode], data: bytes,
            rows: list[dict[str, str]], dead: Counter[str]) -> dict[str, Any]:
    truth = Truth(exports)
    known = [e for e in episodes if (e.source_system, e.source_record_id) in truth.child]
    latest = _latest(known)  # the demo's smoke examples are in no export: left out
    rows = [r for r in rows if r["EpisodeID"] in latest]
    in_return = [latest[r["EpisodeID"]] for r in rows]
    by_id = {r["EpisodeID"]: r for r in rows}
    out: dict[str, Any] = {"return_rows": len(rows)}

    short = [e for e in in_return if e.subtype == "SHORT_BREAK_CARE_V4"
             and e.source_kind in ("SERVICE_USE", "PANEL_LINE") and truth.is_v3(e)]
    out["v3_double_counted"] = {
        "provider_rows": sum(e.source_kind == "SERVICE_USE" for e in short),
        "provider_nights": sum(float(by_id[e.episode_id]["DaysNights"] or 0) for e in short
                               if e.source_kind == "SERVICE_USE"),
        "panel_lines": sum(e.source_kind == "PANEL_LINE" for e in short),
    }

    plan = planned_truth(exports, year)
    planned = [r for r in rows if r["Basis"] == "PLANNED" and r["VolumeMeasure"] == "M"]
    past = [r for r in planned if r["EndDate"] and date.fromisoformat(r["EndDate"]) > year.end]
    full = [r for r in past if latest[r["EpisodeID"]].money_amount == Decimal(r["MoneyAmount"])]
    out["planned_money"] = {
        "truth_in_year": str(plan["in_year"]), "truth_whole_of_lines": str(plan["whole"]),
        "return_in_year": str(sum(Decimal(r["MoneyAmount"] or 0) for r in planned)),
        "rows_past_31_march": len(past), "of_which_carry_their_whole_amount": len(full),
    }

    payments = [e for e in latest.values() if e.source_kind == "PAYMENT"]
    refs = {p["PaymentRef"]: p for p in truth.payments}
    wrong = payee = 0
    for e in payments:
        paid = refs[e.source_record_id]
        if e.provider in PAYEES:
            payee += 1
        if paid["PanelDecisionRef"]:
            expect = IN_HOUSE if paid["Payee"] in PAYEES else paid["Payee"]
            wrong += e.provider != expect
    s17 = [e for e in payments if e.core_category == "SECTION_17_FAMILY_SUPPORT"]
    out["payments"] = {
        "with_a_panel_reference": sum(bool(refs[e.source_record_id]["PanelDecisionRef"])
                                      for e in payments),
        "wrong_line_provider": wrong, "payee_as_provider": payee,
        "section_17_subtypes": dict(Counter(str(e.subtype) for e in s17)),
    }
    out["sen"] = _sen(exports, truth, latest, rows, year)
    cafs = {r["cafId"]: r for r in json.loads((exports / "ecaf.json").read_text())["records"]}
    disengaged = {k for k, r in cafs.items() if r["closure"] and
                  r["closure"]["reason"] == "DISENGAGED"}
    out["caf"] = {
        "disengaged_cafs": len(disengaged),
        "disengaged_counted_in_return": sum(e.source_kind == "CAF" and e.source_record_id
                                            in disengaged for e in in_return),
        "services": dict(Counter(f"{e.service}/{e.subtype}" for e in in_return
                                 if e.source_kind == "CAF")),
    }
    out["yot_subtypes"] = dict(Counter(str(e.subtype) for e in in_return
                                       if e.source_kind == "YOT_CASE"))
    out["nights_over_period"] = _nights(exports, dead, rows, latest)
    out["open_at_go_live"] = _go_live(exports, year, {latest[r["EpisodeID"]].source_record_id
                                                      for r in rows})
    out["return_sha256"] = hashlib.sha256(data).hexdigest()[:16]
    out["dead_letters"] = dict(sorted(dead.items()))
    return out


def _sen(exports: Path, truth: Truth, latest: dict[str, ServiceEpisode],
         rows: list[dict[str, str]], year: CensusYear) -> dict[str, Any]:
    sen = _rows(exports / "education_sen.csv")
    plans_before: dict[str, date] = {}
    for r in sen:
        if r["EventType"] == "IN_FORCE" or r["Outcome"] == "STATEMENT_ISSUED":
            who = truth.child[("education-sen", r["SenEventId"])]
            day = _dmy(r["EventDate"]) or year.end
            plans_before[who] = min(day, plans_before.get(who, day))
    made = Counter(e.source_record_id for e in latest.values() if e.service == "SEN")
    returned = {latest[r["EpisodeID"]].source_record_id for r in rows}
    found: Counter[str] = Counter()
    for r in sen:
        who, day = truth.child[("education-sen", r["SenEventId"])], _dmy(r["EventDate"])
        nothing_open = who not in plans_before or (day and plans_before[who] > day)
        change = r["StatementChange"]
        if change in ("CEASED", "TRANSFERRED_OUT") and nothing_open:
            found[f"{change.lower()}_with_nothing_open"] += 1
            found[f"{change.lower()}_with_nothing_open_made_an_episode"] += bool(
                made[r["SenEventId"]])
        if change == "AMENDED" and nothing_open:
            found["amended_with_nothing_open"] += 1
            found["amended_with_nothing_open_labelled_referral"] += sum(
                e.start_basis == "REFERRAL" for e in latest.values()
                if e.source_record_id == r["SenEventId"])
        if r["Outcome"] == "NO_STATEMENT":
            found["assessed_no_plan"] += 1
            found["assessed_no_plan_made_an_episode"] += bool(made[r["SenEventId"]])
        if r["EventType"] == "IN_FORCE":
            found["plans_in_force_at_go_live"] += 1
            found["plans_in_force_at_go_live_in_return"] += r["SenEventId"] in returned
    return dict(sorted(found.items()))


def _go_live(exports: Path, year: CensusYear, returned: set[str]) -> dict[str, str]:
    """Records open on 1 April (dated before it) and whether the return carries them."""
    cafs = json.loads((exports / "ecaf.json").read_text())["records"]
    open_cafs = [r["cafId"] for r in cafs  # disengaged ones are left out by design
                 if date.fromisoformat(r["assessment"]["completedDate"]) < year.start
                 and not (r["closure"] and r["closure"]["reason"] == "DISENGAGED")]
    yot = [r["RecordNo"] for r in _rows(exports / "yot.csv")
           if r["RecordType"] == "REFERRAL" and (_dmy(r["ReferralDate"]) or year.end) < year.start]
    register = [r["RegisterNo"] for r in _rows(exports / "disabled_register.csv")
                if r["ParentalConsent"] == "Y" and (_dmy(r["EntryDate"]) or year.end) < year.start]
    panel = [d.get("id", "") for d in ET.parse(exports / "panel.xml").getroot()
             if d.findtext("Outcome") == "APPROVED"
             and date.fromisoformat(d.findtext("PanelDate", "")) < year.start]
    sen = [r["SenEventId"] for r in _rows(exports / "education_sen.csv")
           if r["EventType"] == "IN_FORCE"]
    found = {"caf": open_cafs, "yot": yot, "register": register, "panel": sorted(set(panel)),
             "ehc_plans": sen}
    return {k: f"{sum(i in returned for i in ids)} of {len(ids)}" for k, ids in found.items()}


def _nights(exports: Path, dead: Counter[str], rows: list[dict[str, str]],
            latest: dict[str, ServiceEpisode]) -> dict[str, Any]:
    over = set()
    for path in (exports / "provider_returns").glob("*.csv"):
        for r in _rows(path):
            if r["Days"] and r["PeriodEnd"]:
                period = (_dmy(r["PeriodEnd"]) - _dmy(r["SessionDate"])).days + 1  # type: ignore[operator]
                if float(r["Days"]) > period:
                    over.add(r["LineRef"])
    leaked = [r for r in rows if latest[r["EpisodeID"]].source_record_id in over]
    return {"rows_in_exports": len(over), "in_return": len(leaked),
            "dead_lettered": dead.get("provider-returns:NIGHTS_EXCEED_PERIOD", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exports", type=Path)
    parser.add_argument("--children", type=int, default=600)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--year", default="2025-26")
    parser.add_argument("--demo-db", type=Path, help="a demo's SQLite file (with --census-csv)")
    parser.add_argument("--census-csv", type=Path, help="that demo's additional_services.csv")
    args = parser.parse_args()
    if args.demo_db is not None:
        result = measure_demo(args.exports, args.year, args.demo_db, args.census_csv)
        print(json.dumps(result, indent=2, default=str))
        return
    if args.exports is None:
        args.exports = Path(tempfile.mkdtemp(prefix="cinhub-rules-"))
        generate(args.exports, args.children, args.seed, SyntheticYear.parse(args.year))
    print(json.dumps(measure(args.exports, args.year), indent=2, default=str))


if __name__ == "__main__":
    with time_limit("census_rules", 1800):
        main()
