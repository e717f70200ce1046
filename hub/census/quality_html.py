"""The data-quality report as one self-contained HTML page: tables and inline SVG charts,
from the dict ``hub.census.quality.quality_report`` returns (the same figures as the JSON)."""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

from hub.census.svg import horizontal_bars, stacked_bars

STYLE = (
    "body{font-family:Arial,sans-serif;margin:2em;color:#0b0c0c}table{border-collapse:"
    "collapse;margin:.5em 0 1.5em}td,th{border:1px solid #b1b4b6;padding:4px 8px;"
    "text-align:left}h2{margin-top:1.5em}"
)


def _table(head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    cells = (
        "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>" for r in rows)
        or f'<tr><td colspan="{len(head)}">none</td></tr>'
    )
    heads = "".join(f"<th>{escape(h)}</th>" for h in head)
    return f"<table><tr>{heads}</tr>{cells}</table>"


def _by_service(title: str, figure: dict[str, Any]) -> str:
    rows = list(figure["by_service"].items())
    return f"<h2>{escape(title)}: {figure['count']}</h2>" + _table(("service", "episodes"), rows)


def render(report: dict[str, Any]) -> bytes:
    year = escape(report["census_year"])
    missing = report["missing_upn_school_age"]
    limited = report["consent_limited"]
    months = report["episodes_by_service_month"]
    by_service = Counter[str]()
    for row in limited["rows"]:
        by_service[row["service"]] += row["uses"]
    parts = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>CIN Hub data '
        f"quality {year}</title><style>{STYLE}</style></head><body>",
        f"<h1>Data quality, census year {year}</h1><p>Reference date "
        f"{escape(report['reference_date'])}. Children in the CIN census: "
        f"{report['cin_children']}. Episodes in the additional-services return: "
        f"{report['episodes_in_return']}. Open review tasks: {report['open_review_tasks']}.</p>",
        f"<h2>School-age children in the CIN census with no UPN: {missing['count']}</h2>",
        "<details><summary>LA child ids to chase</summary><p>"
        + escape(", ".join(missing["la_child_ids"]) or "none")
        + "</p></details>",
        _by_service("Episodes with no end date", report["episodes_no_end_date"]),
        _by_service("Episodes with no volume", report["episodes_no_volume"]),
        _by_service(
            "Episodes whose start date is a referral date",
            report["episodes_start_is_referral_date"],
        ),
        "<h2>Episodes overlapping the core census</h2>",
        _table(("core category", "episodes"), list(report["episodes_core_overlap"].items())),
        "<h2>Episodes left out of the return</h2>",
        _table(("reason", "episodes"), list(report["episodes_excluded"].items())),
        "<h2>Episodes active in each month, by service</h2>",
        stacked_bars(
            [m[5:] + "/" + m[2:4] for m in months["months"]],
            months["services"],
            f"Episodes by service and month, {year}",
        ),
        f"<h2>Consent-limited use (counts only): {limited['total']}</h2>",
        horizontal_bars(dict(sorted(by_service.items())), "Consent-limited use by service"),
        _table(
            ("service", "age band", "sex", "uses"),
            [(r["service"], r["age_band"], r["sex"], r["uses"]) for r in limited["rows"]],
        ),
        "</body></html>\n",
    ]
    return "".join(parts).encode()
