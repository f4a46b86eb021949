"""Charts as SVG written on the server: readable without JavaScript, printable, embeddable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

PALETTE = {
    "actual": "#0b5394",
    "province": "#b45309",
    "national": "#6b7280",
    "projection": "#0b5394",
    "baseline": "#7c3aed",
    "partial": "#0b5394",
}
# A point measured on another territory (a legacy province's 2020 baseline) is drawn as
# a diamond, never joined to a line, with its own legend entry naming the territory.
# A year whose figure covers only some communes is a hollow ring, not joined either.
UNJOINED = ("baseline", "partial")


@dataclass
class Series:
    label: str
    points: Sequence[tuple[int, Decimal | float | None]]
    kind: str = "actual"  # actual | province | national | projection | baseline
    dashed: bool = False


def _f(value: Decimal | float) -> str:
    return f"{float(value):.1f}"


def line_chart(
    title: str,
    series: list[Series],
    *,
    years: tuple[int, int] = (2020, 2030),
    width: int = 560,
    height: int = 260,
) -> str:
    left, right, top, bottom = 44, 16, 24, 40
    legend = _legend_positions(series, left, width - right)
    extra = legend[-1][1] - 6 if legend else 0  # legend lines beyond the first
    top += extra
    height += extra
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = years

    def x(year: int) -> float:
        return left + (year - first) * plot_w / max(last - first, 1)

    def y(value: Decimal | float) -> float:
        return top + plot_h - float(value) * plot_h / 100

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-labelledby="t" class="chart">',
        f'<title id="t">{escape(title)}</title>',
        '<g font-family="system-ui, sans-serif" font-size="11" fill="#333">',
    ]
    for tick in range(0, 101, 20):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_f(y(tick))}" y2="{_f(y(tick))}" stroke="#e5e7eb"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{_f(y(tick) + 4)}" text-anchor="end">{tick}%</text>')
    for year in range(first, last + 1):
        parts.append(
            f'<text x="{_f(x(year))}" y="{height - bottom + 16}" text-anchor="middle">{year}</text>'
        )
    for item in series:
        colour = PALETTE.get(item.kind, "#333")
        known = [(yr, v) for yr, v in item.points if v is not None]
        if not known:
            continue
        dash = ' stroke-dasharray="5 4"' if item.dashed else ""
        if len(known) > 1 and item.kind not in UNJOINED:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{_f(x(yr))},{_f(y(v))}" for i, (yr, v) in enumerate(known)
            )
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        # A projection starts from the last known figure, already marked by its own series.
        marked = known[1:] if item.kind == "projection" else known
        for yr, v in marked:
            shape = _shape(item.kind)
            if shape == "diamond":
                parts.append(
                    f'<path d="{_diamond(x(yr), y(v), 6)}" fill="{colour}"><title>{escape(item.label)}: {_f(v)}%</title></path>'
                )
            elif shape == "ring":
                parts.append(
                    f'<circle cx="{_f(x(yr))}" cy="{_f(y(v))}" r="4" fill="#fff" stroke="{colour}" stroke-width="2"><title>{escape(item.label)} {yr}: {_f(v)}%</title></circle>'
                )
            elif shape == "circle":
                parts.append(
                    f'<circle cx="{_f(x(yr))}" cy="{_f(y(v))}" r="3.5" fill="{colour}"><title>{escape(item.label)} {yr}: {_f(v)}%</title></circle>'
                )
            else:
                parts.append(
                    f'<rect x="{_f(x(yr) - 4)}" y="{_f(y(v) - 4)}" width="8" height="8" fill="{colour}"><title>{escape(item.label)} {yr}: {_f(v)}%</title></rect>'
                )
    for (lx, ly), item in zip(legend, series, strict=True):
        colour = PALETTE.get(item.kind, "#333")
        if _shape(item.kind) == "diamond":
            parts.append(f'<path d="{_diamond(lx + 5, ly + 5, 6)}" fill="{colour}"/>')
        elif _shape(item.kind) == "ring":
            parts.append(
                f'<circle cx="{lx + 5}" cy="{ly + 5}" r="4" fill="#fff" stroke="{colour}" stroke-width="2"/>'
            )
        else:
            parts.append(f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 14}" y="{ly + 9}">{escape(item.label)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def _shape(kind: str) -> str:
    if kind == "partial":
        return "ring"
    if kind == "baseline":
        return "diamond"
    return "circle" if kind in ("actual", "projection") else "rect"


def _diamond(cx: float, cy: float, r: float) -> str:
    return (
        f"M{cx:.1f},{cy - r:.1f}L{cx + r:.1f},{cy:.1f}L{cx:.1f},{cy + r:.1f}L{cx - r:.1f},{cy:.1f}Z"
    )


def _legend_positions(series: list[Series], left: int, right: int) -> list[tuple[int, int]]:
    """(x, y) of each legend entry, wrapped onto a new line when the next would not fit."""
    found = []
    lx, ly = left, 6
    for item in series:
        wide = 14 + 6 * len(item.label) + 12
        if lx > left and lx + wide > right:
            lx, ly = left, ly + 15
        found.append((lx, ly))
        lx += wide
    return found


def progress_bar(
    value: Decimal | None, target: Decimal | None, *, width: int = 220, height: int = 18
) -> str:
    """A bar to 100 % with the value filled and the target marked."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" class="bar">'
    ]
    label = f"{_f(value)}%" if value is not None else "—"
    if target is not None:
        label += f" / chỉ tiêu {_f(target)}%"
    parts.append(f"<title>{escape(label)}</title>")
    parts.append(f'<rect x="0" y="3" width="{width}" height="{height - 6}" fill="#e5e7eb" rx="3"/>')
    if value is not None:
        parts.append(
            f'<rect x="0" y="3" width="{_f(min(float(value), 100) * width / 100)}" height="{height - 6}" fill="#0b5394" rx="3"/>'
        )
    if target is not None:
        tx = min(float(target), 100) * width / 100
        parts.append(
            f'<line x1="{_f(tx)}" x2="{_f(tx)}" y1="0" y2="{height}" stroke="#b45309" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
