"""A plan component's payout curve as an inline SVG, drawn on the server (no JavaScript).

Pure: plain numbers in, SVG text out (no Django, no database). The curve's corners come from
:meth:`cxmetrics.incentives.PayoutCurve.points`; this module only places them on a chart:

* the x axis runs around the curve (:func:`axis_range`: half the threshold-to-stretch span on
  each side, widened to show the measured value and the lower bound, clamped to the metric's
  score range), the y axis from 0% to the curve's highest payout;
* threshold, target and stretch are marked on the axis with their payouts labelled;
* "you are here" markers stand at the measured value and at the 95% lower bound, each with its
  payout; the one the plan pays on (the lower bound under the confidence gate) says so.

Accessible: ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that state the numbers.
No ``style=`` attributes (the Content-Security-Policy refuses them): presentation attributes and
classes of workspace/static/workspace/plans.css only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.safestring import mark_safe

from cxmetrics.incentives import CURVE_TERMS, PayoutCurve
from cxmetrics.scales import format_score
from cxmetrics.services.goals.validation import METRIC_RANGES

__all__ = [
    "Chart",
    "Marker",
    "axis_range",
    "component_svg",
    "curve_svg",
    "describe",
    "percent",
]


@dataclass(frozen=True)
class Chart:
    """The drawing area in SVG user units: the plot spans [left, right] x [top, bottom]."""

    width: int = 520
    height: int = 250
    left: int = 48
    right: int = 500
    top: int = 34
    bottom: int = 196


@dataclass(frozen=True)
class Marker:
    """A "you are here" point: what it is, where it is, what it pays, whether it is paid on."""

    label: str
    value: float
    payout: float
    paid_on: bool


def percent(value: float) -> str:
    """A payout percent for reading: "75%", "62.5%"."""
    return f"{round(value, 1):g}%"


def _term(value: float, metric: str) -> str:
    return f"{value:g}" if value == int(value) else format_score(value, metric)


def axis_range(
    curve: PayoutCurve, *, values: tuple[float | None, ...], bounds: tuple[float, float]
) -> tuple[float, float]:
    """The x axis: threshold - span/2 to stretch + span/2 (span = stretch - threshold, or
    target - threshold without a stretch), widened to include `values` (measured value, lower
    bound), clamped to `bounds` (the metric's score range)."""
    span = max(curve.stretch, curve.target) - curve.threshold
    low = min([curve.threshold - span / 2, *(v for v in values if v is not None)])
    high = max([curve.stretch + span / 2, *(v for v in values if v is not None)])
    return max(low, bounds[0]), min(high, bounds[1])


def _coord(value: float) -> str:
    return f"{round(value, 1):g}"


def curve_svg(
    curve: PayoutCurve,
    *,
    metric: str,
    bounds: tuple[float, float],
    measured: float | None,
    low: float | None,
    confidence_gate: bool,
    title: str,
    dom_id: str = "curve",
    chart: Chart = Chart(),
) -> str:
    """The curve of one component as an ``<svg role="img">`` element (text).

    ``measured``/``low``: the point value and the 95% lower bound (None: not measured yet).
    The payout paid on is the curve at ``low`` under the confidence gate, else at ``measured``.
    """
    ref = escape(dom_id)
    lo, hi = axis_range(curve, values=(measured, low), bounds=bounds)
    top_payout = max(100.0, curve.max_payout)

    def x(value: float) -> float:
        return chart.left + (value - lo) / (hi - lo) * (chart.right - chart.left)

    def y(payout: float) -> float:
        return chart.bottom - payout / top_payout * (chart.bottom - chart.top)

    corners = curve.points(lo, hi)
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{_coord(x(v))},{_coord(y(p))}" for i, (v, p) in enumerate(corners)
    )
    markers = []
    if measured is not None:
        markers.append(
            Marker("measured", measured, curve.payout(measured), not confidence_gate or low is None)
        )
    if low is not None:
        markers.append(Marker("lower bound", low, curve.payout(low), confidence_gate))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="cx-curve" '
        f'viewBox="0 0 {chart.width} {chart.height}" width="{chart.width}" '
        f'height="{chart.height}" aria-labelledby="{ref}-title {ref}-desc">',
        f'<title id="{ref}-title">{escape(title)}</title>',
        f'<desc id="{ref}-desc">{escape(describe(curve, metric=metric, markers=markers))}</desc>',
    ]
    # Payout grid: 0%, 50%, 100% ... up to the cap.
    for payout in range(0, int(top_payout) + 1, 50):
        parts.append(
            f'<line class="cx-curve-grid" x1="{chart.left}" x2="{chart.right}" '
            f'y1="{_coord(y(payout))}" y2="{_coord(y(payout))}" stroke="#dee2e6"/>'
            f'<text class="cx-curve-tick" x="{chart.left - 6}" y="{_coord(y(payout) + 4)}" '
            f'text-anchor="end" font-size="11">{payout}%</text>'
        )
    parts.append(
        f'<line class="cx-curve-axis" x1="{chart.left}" x2="{chart.right}" y1="{chart.bottom}" '
        f'y2="{chart.bottom}" stroke="#495057"/>'
        f'<text class="cx-curve-tick" x="{chart.left}" y="{chart.bottom + 16}" '
        f'text-anchor="middle" font-size="11">{escape(_term(lo, metric))}</text>'
        f'<text class="cx-curve-tick" x="{chart.right}" y="{chart.bottom + 16}" '
        f'text-anchor="middle" font-size="11">{escape(_term(hi, metric))}</text>'
    )
    parts.append(
        f'<path class="cx-curve-line" d="{path}" fill="none" stroke="#0d6efd" stroke-width="2.5"/>'
    )
    for name, value, payout in _terms(curve):
        px, py = _coord(x(value)), _coord(y(payout))
        parts.append(
            f'<g class="cx-curve-term" data-term="{name}">'
            f'<line x1="{px}" x2="{px}" y1="{py}" y2="{chart.bottom}" stroke="#adb5bd" '
            f'stroke-dasharray="3 3"/>'
            f'<circle cx="{px}" cy="{py}" r="3.5" fill="#0d6efd"/>'
            f'<text x="{px}" y="{chart.bottom + 16}" text-anchor="middle" font-size="11">'
            f"{name} {escape(_term(value, metric))}</text>"
            f'<text x="{px}" y="{_coord(y(payout) - 8)}" text-anchor="middle" font-size="11">'
            f"{percent(payout)}</text></g>"
        )
    for row, marker in enumerate(markers):
        px = _coord(x(marker.value))
        py = _coord(y(marker.payout))
        # Labels run about 260 units wide: kept inside the chart at either edge.
        anchor = "middle"
        if x(marker.value) < chart.left + 130:
            anchor = "start"
        elif x(marker.value) > chart.right - 130:
            anchor = "end"
        label = f"You are here ({marker.label}{', paid on' if marker.paid_on else ''}): "
        label += f"{format_score(marker.value, metric)} pays {percent(marker.payout)}"
        colour = "#d63384" if marker.paid_on else "#6f42c1"
        label_y = chart.bottom + 32 + 14 * row
        parts.append(
            f'<g class="cx-curve-here" data-marker="{marker.label}" data-value="{marker.value}" '
            f'data-payout="{marker.payout}">'
            f'<line x1="{px}" x2="{px}" y1="{chart.top}" y2="{chart.bottom}" stroke="{colour}" '
            f'stroke-width="1.5"/>'
            f'<circle cx="{px}" cy="{py}" r="5" fill="{colour}"/>'
            f'<text x="{px}" y="{label_y}" text-anchor="{anchor}" font-size="11" '
            f'fill="{colour}">{escape(label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _terms(curve: PayoutCurve) -> list[tuple[str, float, float]]:
    terms = [
        ("threshold", curve.threshold, curve.threshold_payout),
        ("target", curve.target, 100.0),
    ]
    if curve.stretch > curve.target:
        terms.append(("stretch", curve.stretch, curve.stretch_payout))
    return terms


def describe(curve: PayoutCurve, *, metric: str, markers: list[Marker]) -> str:
    """The curve in words, for the ``<desc>`` (and screen readers)."""
    terms = ", ".join(
        f"{percent(payout)} at {name} {_term(value, metric)}"
        for name, value, payout in _terms(curve)
    )
    text = f"Pays 0% below threshold {_term(curve.threshold, metric)}, {terms}"
    text += f", at most {percent(curve.max_payout)}."
    if not markers:
        return text + " Not measured yet."
    for marker in markers:
        paid = " (paid on)" if marker.paid_on else ""
        text += (
            f" You are here: {marker.label}{paid} {format_score(marker.value, metric)} pays "
            f"{percent(marker.payout)}."
        )
    return text


def component_svg(
    component: Mapping[str, Any],
    *,
    bounds: tuple[float, float],
    confidence_gate: bool,
    dom_id: str,
) -> str:
    """:func:`curve_svg` of a plan_attainment component dict (live or frozen in a statement);
    ``dom_id`` makes the title/desc ids unique on the page."""
    curve = PayoutCurve(**{term: component["curve"][term] for term in CURVE_TERMS})
    return curve_svg(
        curve,
        metric=component["metric"],
        bounds=bounds,
        measured=component.get("measured"),
        low=component.get("low"),
        confidence_gate=confidence_gate,
        title=f"Payout curve of {component['goal_name']}",
        dom_id=dom_id,
    )


def component_figure(component: Mapping[str, Any], *, confidence_gate: bool, dom_id: str) -> Any:
    """`component_svg` within the metric's own range, marked safe for a template: every text
    in it is escaped here (curve_svg)."""
    bounds = METRIC_RANGES[component["metric"]]
    return mark_safe(  # built here: every text in it is escaped
        component_svg(component, bounds=bounds, confidence_gate=confidence_gate, dom_id=dom_id)
    )
