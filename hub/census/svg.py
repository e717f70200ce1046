"""Small inline SVG charts, drawn by hand (no plotting dependency): text in, text out.

Every label is escaped; sizes are fixed, so the same figures give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = (
    "#1d70b8",
    "#d4351c",
    "#00703c",
    "#f47738",
    "#4c2c92",
    "#b58840",
    "#28a197",
    "#912b88",
    "#505a5f",
    "#85994b",
    "#f499be",
    "#6f72af",
)
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 300, 48, 40, 16


def _frame(body: list[str], height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def stacked_bars(labels: Sequence[str], series: Mapping[str, Sequence[int]], title: str) -> str:
    """One bar per label, stacked by series, with a legend on the right."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = max(totals, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 140, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(labels), 1)
    body = [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        'stroke="#0b0c0c"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{top}</text>',
    ]
    for i, label in enumerate(labels):
        x, base = LEFT + i * step + 4, float(TOP + plot_h)
        for n, values in enumerate(series.values()):
            h = values[i] / top * plot_h
            base -= h
            body.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{step - 8:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[n % len(PALETTE)]}"/>'
            )
        body.append(
            f'<text x="{x + (step - 8) / 2:.1f}" y="{TOP + plot_h + 14}" '
            f'text-anchor="middle" font-size="10">{escape(label)}</text>'
        )
    for n, name in enumerate(series):
        y = TOP + n * 16
        body.append(
            f'<rect x="{WIDTH - 130}" y="{y}" width="10" height="10" '
            f'fill="{PALETTE[n % len(PALETTE)]}"/><text x="{WIDTH - 115}" y="{y + 9}" '
            f'font-size="11">{escape(name)}</text>'
        )
    return _frame(body, HEIGHT, title)


def horizontal_bars(values: Mapping[str, int], title: str) -> str:
    """One bar per key, longest scaled to the width, value written at its end."""
    top = max(values.values(), default=0) or 1
    height = TOP * 2 + 22 * max(len(values), 1)
    body = []
    for n, (name, value) in enumerate(values.items()):
        y, w = TOP + n * 22, value / top * (WIDTH - 260)
        body.append(
            f'<text x="{LEFT + 90}" y="{y + 13}" text-anchor="end" font-size="11">'
            f'{escape(name)}</text><rect x="{LEFT + 96}" y="{y}" width="{w:.1f}" '
            f'height="16" fill="{PALETTE[n % len(PALETTE)]}"/><text '
            f'x="{LEFT + 100 + w:.1f}" y="{y + 13}" font-size="11">{value}</text>'
        )
    return _frame(body, height, title)
