"""The sign-off pack as one self-contained HTML page in the GOV.UK Design System's look (the
data-quality report's layout, stylesheet inline, no script), from the dict
``hub.census.signoff.build_pack`` returns: the same figures as ``signoff_pack.json``, with
Vega-Altair charts (``hub.census.charts``) beside tables that hold every number."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from hub.census import charts
from hub.census.charts import GOVUK
from hub.logging import get_logger
from hub.pages import assets
from hub.pages.environment import render as render_page

log = get_logger(__name__)
PUBLISHED, DEAD = "Published", "Dead-lettered"
VERDICTS = {"By design": GOVUK["blue"], "To chase": GOVUK["orange"]}


def _svg(svg: str) -> Markup:
    return Markup(svg)  # noqa: S704 (vl-convert's SVG; every label in it is escaped text)


def reconciliation_chart(pack: dict[str, Any]) -> Markup | None:
    by_source: dict[str, list[int]] = {}
    for f in pack["reconciliation"]["files"]:
        row = by_source.setdefault(f["source"], [0, 0])
        row[0] += f["rows_published"]
        row[1] += f["rows_dead_lettered"]
    if not by_source:
        return None
    values = [{"source": s, "outcome": o, "rows": n}
              for s, (pub, dead) in sorted(by_source.items())
              for o, n in ((PUBLISHED, pub), (DEAD, dead))]
    return _svg(charts.horizontal_bars(
        "reconciliation", values, x="rows", x_title="Rows read", y="source",
        y_title="Source system", colour="outcome", colour_title="Outcome",
        colours={PUBLISHED: GOVUK["green"], DEAD: GOVUK["red"]},
        description="Rows read per source system, published or dead-lettered"))


def validator_chart(pack: dict[str, Any]) -> Markup | None:
    rules = pack["validator"]["rules"]
    if not rules:
        return None
    values = [{"rule": r["rule"], "type": r["type"].title(), "issues": r["issues"]}
              for r in rules]
    return _svg(charts.horizontal_bars(
        "validator", values, x="issues", x_title="Issues", y="rule", y_title="DfE rule",
        colour="type", colour_title="Type",
        colours={"Error": GOVUK["red"], "Query": GOVUK["orange"]},
        description="DfE validator issues by rule"))


def services_chart(pack: dict[str, Any]) -> Markup | None:
    compared = pack["comparison"]
    if compared:
        this, last = pack["census_year"], compared["previous_year"]
        values = [{"service": s["service"], "year": y, "children": n}
                  for s in compared["services"]
                  for y, n in ((last, s["children_previous"]), (this, s["children"]))]
        return _svg(charts.horizontal_bars(
            "services", values, x="children", x_title="Children (distinct)", y="service",
            y_title="Additional service", colour="year", colour_title="Census year",
            colours={last: GOVUK["grey"], this: GOVUK["blue"]}, grouped=True,
            description=f"Children per additional service, {last} and {this}"))
    rows = pack["children_per_service"]
    if not rows:
        return None
    return _svg(charts.horizontal_bars(
        "services", [{"service": r["service"], "children": r["children"]} for r in rows],
        x="children", x_title="Children (distinct)", y="service", y_title="Additional service",
        description="Children per additional service"))


def checks_chart(pack: dict[str, Any]) -> Markup | None:
    values = [{"check": label, "verdict": verdict, "rows": pack[key][side]["count"]}
              for key, label in (("no_end_date", "No end date"), ("no_volume", "No volume"))
              for verdict, side in (("By design", "by_design"), ("To chase", "to_chase"))]
    if not any(v["rows"] for v in values):
        return None
    return _svg(charts.horizontal_bars(
        "checks", values, x="rows", x_title="Rows in the return", y="check", y_title="Check",
        colour="verdict", colour_title="Verdict", colours=VERDICTS,
        description="Rows with no end date or no volume, by design or to chase"))


def context(pack: dict[str, Any]) -> dict[str, Any]:
    compared = pack["comparison"]
    return {
        "pack": pack,
        "previous": {c["service"]: c for c in compared["services"]} if compared else {},
        "charts": {
            "reconciliation": reconciliation_chart(pack),
            "validator": validator_chart(pack),
            "services": services_chart(pack),
            "checks": checks_chart(pack),
        },
    }


def _css() -> str:
    try:
        return assets.inline_css(assets.frontend_dir())
    except assets.FrontendMissingError:
        log.warning("sign-off pack without the GOV.UK stylesheet: govuk-frontend is not "
                    "installed (./run installs it)")
        return ""


def render(pack: dict[str, Any]) -> bytes:
    return render_page("signoff.html", css=_css(), **context(pack)).encode()
