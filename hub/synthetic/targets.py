"""The files ``hub demo-data`` writes for each source, and the exporters that fill them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hub.synthetic.catalog import SLAS
from hub.synthetic.context import Case, Context
from hub.synthetic.exports import csc, ecaf, education, finance, panel, providers, register, yot
from hub.synthetic.record import Out

Exporter = Callable[[Case, Context], list[Out]]

# Order matters: CSC first (it assigns the LA child id and referral dates), panel before
# finance and providers (they act on approved lines).
EXPORTERS: tuple[Exporter, ...] = (
    csc.records, ecaf.records, education.sen_records, education.exclusion_records,
    yot.records, register.records, panel.records, finance.records, providers.records,
)


@dataclass(frozen=True)
class Target:
    source: str
    path: str  # relative to the output directory
    header: str  # may hold {count} and {exported}
    footer: str = ""
    separator: str = ""  # between records (JSON needs commas)
    newline: str = "\r\n"


TARGETS: tuple[Target, ...] = (
    Target(csc.SOURCE, csc.FILE, csc.HEADER),
    Target(education.SEN_SOURCE, education.SEN_FILE, education.SEN_HEADER),
    Target(education.EXCLUSION_SOURCE, education.EXCLUSION_FILE, education.EXCLUSION_HEADER),
    Target(yot.SOURCE, yot.FILE, yot.HEADER),
    Target(ecaf.SOURCE, ecaf.FILE, ecaf.HEADER, ecaf.FOOTER, ecaf.SEPARATOR, "\n"),
    Target(panel.SOURCE, panel.FILE, panel.HEADER, panel.FOOTER, "", "\n"),
    Target(finance.SOURCE, finance.FILE, finance.HEADER),
    Target(register.SOURCE, register.FILE, register.HEADER),
    *(Target(providers.SOURCE, f"{providers.DIRECTORY}/{sla.ref}.csv", providers.HEADER)
      for sla in SLAS),
)


def target_key(out: Out) -> str:
    """Which target an output row belongs to (its path)."""
    if out.source == providers.SOURCE:
        return f"{providers.DIRECTORY}/{out.file_key}.csv"
    return _PATH_BY_SOURCE[out.source]


_PATH_BY_SOURCE = {t.source: t.path for t in TARGETS if t.source != providers.SOURCE}
SOURCES: tuple[str, ...] = tuple(dict.fromkeys(t.source for t in TARGETS))
