"""Charts for the census reports, drawn by Vega-Altair and rendered to SVG by vl-convert
(offline: no browser, no network). Every axis and legend has a title; every chart says what
it shows to a screen reader (``role="img"`` and ``aria-label`` on the SVG), and its figures
are also in a table beside it on the page.

Each chart's SVG ids are prefixed with the chart's own name, so several charts on one page
never share an id (a clip path of one would clip another).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

GOVUK = {  # GOV.UK Design System colours
    "blue": "#1d70b8", "green": "#00703c", "red": "#d4351c", "orange": "#f47738",
    "purple": "#4c2c92", "grey": "#505a5f", "dark_blue": "#003078",
}
_ID = re.compile(r'id="([^"]+)"')
_REF = re.compile(r"url\(#([^)]+)\)")
FONT = "Arial, sans-serif"


def horizontal_bars(
    name: str,
    values: Sequence[Mapping[str, Any]],
    *,
    x: str,
    x_title: str,
    y: str,
    y_title: str,
    colour: str | None = None,
    colour_title: str | None = None,
    colours: Mapping[str, str] | None = None,
    grouped: bool = False,
    description: str,
) -> str:
    """An SVG bar chart: one bar per ``y`` value, length ``x``; with ``colour`` the bars are
    stacked by it (or side by side, ``grouped``)."""
    import altair as alt  # noqa: PLC0415 (a second to import: only when a pack is drawn)
    import vl_convert  # noqa: PLC0415

    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=",d", tickMinStep=1)),
        # The y title sits above the axis, level: a rotated one is cut on a short chart.
        "y": alt.Y(f"{y}:N", title=y_title, sort=None, axis=alt.Axis(
            titleAngle=0, titleAlign="left", titleAnchor="start", titleY=-12,
            titleX=0, titleBaseline="bottom")),
        "tooltip": [alt.Tooltip(f"{y}:N", title=y_title), alt.Tooltip(f"{x}:Q", title=x_title)],
    }
    if colour is not None:
        domain = list(colours) if colours else sorted({str(v[colour]) for v in values})
        scale = alt.Scale(domain=domain, range=[colours[d] for d in domain]) if colours else (
            alt.Scale(scheme="tableau10"))
        encoding["color"] = alt.Color(f"{colour}:N", title=colour_title or colour, scale=scale,
                                      legend=alt.Legend(orient="bottom"))
        if grouped:
            encoding["yOffset"] = alt.YOffset(f"{colour}:N", sort=domain)
    chart = (
        alt.Chart(alt.Data(values=[dict(v) for v in values]))  # type: ignore[no-untyped-call]
        .mark_bar(color=GOVUK["blue"])
        .encode(**encoding)
        .properties(width=560, description=description, padding=24)
        .configure(font=FONT)
        .configure_axis(labelFontSize=13, titleFontSize=14, labelLimit=260)
        .configure_legend(labelFontSize=13, titleFontSize=14)
        .configure_view(stroke=None)
    )
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return _accessible(_own_ids(svg, name), description)


def _own_ids(svg: str, name: str) -> str:
    svg = _ID.sub(lambda m: f'id="{name}-{m[1]}"', svg)
    return _REF.sub(lambda m: f"url(#{name}-{m[1]})", svg)


def _accessible(svg: str, description: str) -> str:
    label = escape(description, quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
