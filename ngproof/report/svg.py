"""A tiny SVG line plot: axes with ticks, labelled series, a legend; no plotting library.

Every string placed in the SVG is escaped here, so callers may pass text
from anywhere.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#6e7781")


@dataclass
class Series:
    """One line: points (x, y); ``None`` or non-finite y values break the line."""

    name: str
    xs: list[float]
    ys: list[float | None]
    colour: str = ""
    dashed: bool = False
    markers: bool = True


@dataclass
class Plot:
    """A line plot of several series on shared axes."""

    title: str
    xlabel: str
    ylabel: str
    series: list[Series] = field(default_factory=list)
    ylim: tuple[float, float] | None = None
    log_y: bool = False
    width: int = 560
    height: int = 320


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if not high > low:
        return [low]
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + 1e-9 * step:
        ticks.append(round(value, 12))
        value += step
    return ticks


def log_ticks(low: float, high: float) -> list[float]:
    """Exponents (log10) of round values 1, 2, 5 × 10^k in [low, high]; only powers of ten if that is plenty."""
    candidates = [k + math.log10(m) for k in range(math.floor(low), math.ceil(high) + 1) for m in (1, 2, 5)]
    inside = [t for t in candidates if low - 1e-9 <= t <= high + 1e-9]
    powers = [t for t in inside if float(t).is_integer()]
    return powers if len(powers) >= 3 else inside


def _label(value: float) -> str:
    return f"{value:g}"


def _finite(value: float | None, log: bool) -> bool:
    return value is not None and math.isfinite(value) and (value > 0 or not log)


def render(plot: Plot) -> Markup:
    """The plot as an ``<svg>`` element (scales with its container, keeps its aspect ratio)."""
    left, right, top, bottom = 62, 16, 30, 44
    legend_height = 18 * len(plot.series)
    width, height = plot.width, plot.height + legend_height
    inner_w, inner_h = width - left - right, plot.height - top - bottom
    transform = (lambda v: math.log10(v)) if plot.log_y else (lambda v: v)
    xs = [x for s in plot.series for x in s.xs]
    ys = [transform(y) for s in plot.series for y in s.ys if _finite(y, plot.log_y)]
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if plot.ylim:
        y_low, y_high = transform(plot.ylim[0]), transform(plot.ylim[1])
    else:
        y_low, y_high = (min(ys), max(ys)) if ys else (0.0, 1.0)
    if y_high <= y_low:
        y_low, y_high = y_low - 1, y_high + 1
    if x_high <= x_low:
        x_high = x_low + 1

    def px(x: float) -> float:
        return left + (x - x_low) / (x_high - x_low) * inner_w

    def py(y: float) -> float:
        return top + (1 - (transform(y) - y_low) / (y_high - y_low)) * inner_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="{escape(plot.title)}">',
           f'<title>{escape(plot.title)}</title>',
           f'<text x="{width / 2:.1f}" y="18" text-anchor="middle" class="plot-title">{escape(plot.title)}</text>',
           f'<rect x="{left}" y="{top}" width="{inner_w}" height="{inner_h}" class="plot-frame"/>']
    for tick in nice_ticks(x_low, x_high):
        x = px(tick)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + inner_h}" class="grid"/>'
                   f'<text x="{x:.1f}" y="{top + inner_h + 16}" text-anchor="middle">{_label(tick)}</text>')
    for tick in (log_ticks if plot.log_y else nice_ticks)(y_low, y_high):
        y = top + (1 - (tick - y_low) / (y_high - y_low)) * inner_h
        shown = f"{10 ** tick:.3g}" if plot.log_y else _label(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + inner_w}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{shown}</text>')
    out.append(f'<text x="{left + inner_w / 2:.1f}" y="{top + inner_h + 34}" text-anchor="middle">'
               f'{escape(plot.xlabel)}</text>'
               f'<text transform="translate(14 {top + inner_h / 2:.1f}) rotate(-90)" text-anchor="middle">'
               f'{escape(plot.ylabel)}</text>')
    clip = f"clip-{zlib.crc32(plot.title.encode()):08x}"
    out.append(f'<clipPath id="{clip}"><rect x="{left}" y="{top}" width="{inner_w}" height="{inner_h}"/>'
               f'</clipPath><g clip-path="url(#{clip})">')
    for index, series in enumerate(plot.series):
        colour = series.colour or PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        for run in _segments(series, plot.log_y):
            points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in run)
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            if series.markers:
                out.extend(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in run)
    out.append("</g>")
    for index, series in enumerate(plot.series):
        colour = series.colour or PALETTE[index % len(PALETTE)]
        y = plot.height + 18 * index + 4
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        out.append(f'<line x1="{left}" y1="{y}" x2="{left + 28}" y2="{y}" stroke="{colour}" stroke-width="2"{dash}/>'
                   f'<text x="{left + 36}" y="{y + 4}">{escape(series.name)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _segments(series: Series, log: bool) -> list[list[tuple[float, float]]]:
    """Runs of consecutive drawable points."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(series.xs, series.ys):
        if _finite(y, log):
            runs[-1].append((x, y))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]
