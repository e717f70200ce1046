"""Per-run state shared by the exporters: the year, seeded random streams and id issuers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from hub.synthetic.calendar import CensusYear
from hub.synthetic.ids import ScrambledIds
from hub.synthetic.population import Child
from hub.synthetic.services import Plan
from hub.synthetic.views import View


class Context:
    def __init__(self, year: CensusYear, seed: int) -> None:
        self.year, self.seed = year, seed
        self._rngs: dict[str, random.Random] = {}
        self._ids: dict[str, ScrambledIds] = {}

    def rng(self, stream: str) -> random.Random:
        """One independent, seeded stream per module so edits to one leave others alone."""
        if stream not in self._rngs:
            self._rngs[stream] = random.Random(f"{self.seed}:{stream}")
        return self._rngs[stream]

    def day_for(self, rng: random.Random, child: Child, hi: date | None = None) -> date:
        """A random day of the year on or after the child's birth."""
        return self.year.day(rng, lo=child.dob, hi=hi)

    def new_id(self, prefix: str, width: int) -> str:
        key = f"{prefix}/{width}"
        if key not in self._ids:
            self._ids[key] = ScrambledIds(prefix, width, str(self.seed))
        return self._ids[key].next()


@dataclass(slots=True)
class PanelLine:
    """An approved, itemised service line that finance and providers may act on."""

    decision_id: str
    service: str
    subtype: str
    provider: str
    measure: str
    quantity: int
    amount: float
    frequency: str
    start: date
    end: date


@dataclass(slots=True)
class Case:
    """One child's journey through the sources, filled in as exporters run."""

    child: Child
    plan: Plan
    la_child_id: str = ""
    referral_dates: list[date] = field(default_factory=list)
    from_early_help: bool = False  # the first CSC referral followed a CAF
    panel_lines: list[PanelLine] = field(default_factory=list)
    views: dict[str, View] = field(default_factory=dict)  # a system's person record, reused
