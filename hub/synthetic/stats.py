"""Headline rates of a generated authority, to check it against the report's picture."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from hub.synthetic.record import Out
from hub.synthetic.services import Plan


class Stats:
    def __init__(self) -> None:
        self.children: dict[str, set[str]] = defaultdict(set)
        self.statemented: set[str] = set()
        self.csc_rows = Counter[str]()

    def add(self, out: Out, plan: Plan) -> None:
        self.children[out.source].add(out.true_id)
        if out.source == "education-sen" and plan.sen and "STATEMENT_" in out.row:
            self.statemented.add(out.true_id)
        if out.source == "csc":
            self.csc_rows["rows"] += 1
            self.csc_rows["without_upn"] += not out.link.upn

    def summary(self) -> dict[str, Any]:
        csc, yot = self.children["csc"], self.children["yot"]
        return {
            "children_per_source": {s: len(ids) for s, ids in sorted(self.children.items())},
            "yot_children_not_in_csc_pct": _pct(len(yot - csc), len(yot)),
            "statemented_sen_children_in_csc_pct": _pct(
                len(self.statemented & csc), len(self.statemented)),
            "csc_rows_without_upn_pct": _pct(self.csc_rows["without_upn"], self.csc_rows["rows"]),
        }


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
