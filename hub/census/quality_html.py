"""The data-quality report as one self-contained HTML page in the GOV.UK Design System's look
(the inbox's templates, with the stylesheet inline), from the dict
``hub.census.quality.quality_report`` returns: the same figures as the JSON."""

from __future__ import annotations

from collections import Counter
from typing import Any

from markupsafe import Markup

from hub.census.svg import horizontal_bars, stacked_bars
from hub.logging import get_logger
from hub.pages import assets
from hub.pages.environment import render as render_page

log = get_logger(__name__)


def context(report: dict[str, Any]) -> dict[str, Any]:
    """What the report's templates need besides the figures: its charts and consent rows."""
    months, limited = report["episodes_by_service_month"], report["consent_limited"]
    by_service = Counter[str]()
    for row in limited["rows"]:
        by_service[row["service"]] += row["uses"]
    year = report["census_year"]
    charts = {  # the SVG helpers escape every label themselves
        "by_month": Markup(stacked_bars(  # noqa: S704
            [m[5:] + "/" + m[2:4] for m in months["months"]], months["services"],
            f"Episodes by service and month, {year}")),
        "consent": Markup(horizontal_bars(  # noqa: S704
            dict(sorted(by_service.items())), "Consent-limited use by service")),
    }
    rows = [(r["service"], r["age_band"], r["sex"], r["uses"]) for r in limited["rows"]]
    return {"report": report, "charts": charts, "consent_rows": rows}


def _css() -> str:
    try:
        return assets.inline_css(assets.frontend_dir())
    except assets.FrontendMissingError:
        log.warning("data-quality report without the GOV.UK stylesheet: govuk-frontend is "
                    "not installed (./run installs it)")
        return ""


def render(report: dict[str, Any]) -> bytes:
    return render_page("report.html", css=_css(), **context(report)).encode()
