"""A plan component's payout curve: the curve (cxmetrics.incentives.PayoutCurve.points) with
its threshold, target and stretch and what each pays, and "you are here" at the measured value
and at the lower 95% bound a confidence gate pays on, so a payout below the point value's is
visibly explained."""

from __future__ import annotations

from typing import Any

from cxmetrics.incentives import PayoutCurve
from dashboards.figures.base import (
    METRIC_LABELS,
    OKABE_ITO,
    Figure,
    apply_layout,
    empty_figure,
    fmt,
    new_figure,
    scatter,
    shorten,
)

CURVE_HEIGHT = 420
NO_CURVES = "No plan components by this date: a plan's curves show here once it has started."
CURVE_MARGIN = 0.2
"""Room on either side of the curve's corners and the values drawn, as a share of their span."""


def curve_range(component: dict[str, Any]) -> tuple[float, float]:
    """The value axis drawn: the curve's threshold to stretch and the values marked, with
    CURVE_MARGIN of their span on either side (1 unit when they are one point)."""
    curve = component["curve"]
    values = [curve["threshold"], curve["stretch"]] + [
        v for v in (component.get("measured"), component.get("paid_on")) if v is not None
    ]
    low, high = min(values), max(values)
    margin = (high - low) * CURVE_MARGIN or 1.0
    return low - margin, high + margin


def _pct(value: float) -> str:
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


def _corners(curve: dict[str, Any], metric: str) -> list[tuple[str, float, float]]:
    """(label, value, payout) of the curve's named points."""
    corners = [
        ("threshold", curve["threshold"], curve["threshold_payout"]),
        ("target", curve["target"], 100.0),
    ]
    if curve["stretch"] > curve["target"]:
        corners.append(("stretch", curve["stretch"], curve["stretch_payout"]))
    return [(f"{name} {fmt(metric, x)} pays {_pct(y)}", x, y) for name, x, y in corners]


def you_are_here(component: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(label, value, payout) of the markers: the measured value with the curve's payout there,
    and, under a confidence gate, the lower 95% bound it pays on with its payout. Without a
    gate the measured value is what pays; a pending component marks its measured value only
    (with what it would pay)."""
    metric = component["metric"]
    measured, projected = component.get("measured"), component.get("projected_payout_pct")
    paid_on, payout = component.get("paid_on"), component.get("payout_pct")
    if measured is None or projected is None:
        return []
    gated = component.get("confidence_gate") and paid_on is not None
    if component["status"] == "pending":
        return [
            (f"measured {fmt(metric, measured)}: would pay {_pct(projected)}", measured, projected)
        ]
    if not gated:
        return [(f"measured {fmt(metric, measured)} pays {_pct(payout)}", measured, payout)]
    return [
        (f"measured {fmt(metric, measured)}: {_pct(projected)} on the curve", measured, projected),
        (f"lower bound {fmt(metric, paid_on)} pays {_pct(payout)}", paid_on, payout),
    ]


def payout_curve_figure(component: dict[str, Any] | None) -> Figure:
    """The chosen component's payout curve with its named points and "you are here" markers;
    the subtitle says why it pays what it pays (`payouts.explain`, the component's ``why``)."""
    title = "Payout curve"
    if component is None:
        return empty_figure(NO_CURVES, title=title)
    metric, curve = component["metric"], component["curve"]
    low, high = curve_range(component)
    points = PayoutCurve(**curve).points(low, high)
    fig = new_figure(
        scatter(
            x=[x for x, _ in points],
            y=[y for _, y in points],
            mode="lines",
            name="payout curve",
            line={"color": OKABE_ITO["blue"], "width": 3},
            hovertemplate="%{x:.1f} pays %{y:.0f}%<extra></extra>",
        )
    )
    corners = _corners(curve, metric)
    fig.add_trace(
        scatter(
            x=[x for _, x, _ in corners],
            y=[y for _, _, y in corners],
            mode="markers+text",
            name="threshold · target · stretch",
            text=[label for label, _, _ in corners],
            textposition="top left",
            marker={"symbol": "circle", "size": 9, "color": OKABE_ITO["blue"]},
            hovertemplate="%{text}<extra></extra>",
        )
    )
    markers = you_are_here(component)
    if markers:
        fig.add_trace(
            scatter(
                x=[x for _, x, _ in markers],
                y=[y for _, _, y in markers],
                mode="markers+text",
                name="you are here",
                text=[label for label, _, _ in markers],
                textposition="bottom right",
                marker={
                    "symbol": ["diamond", "triangle-up"][: len(markers)],
                    "size": 14,
                    "color": OKABE_ITO["orange"],
                    "line": {"width": 1, "color": "#000"},
                },
                hovertemplate="%{text}<extra></extra>",
            )
        )
    contribution = component.get("contribution")
    earned = "pending"
    if contribution is not None:
        earned = f"{component.get('word', 'earned so far')}: {_pct(contribution)} of the plan"
    if component.get("money"):
        earned += f" = {component['money']}"
    apply_layout(
        fig,
        title=f"Payout curve: {shorten(component['goal_name'], 48)}",
        subtitle=f"{shorten(component['plan'], 60)} · weight {component['weight']}% · "
        f"{earned} · why: {component['why']}",
        height=CURVE_HEIGHT,
        wrap=80,
    )
    fig.update_xaxes(
        range=[low, high], title={"text": METRIC_LABELS.get(metric, metric)}, zeroline=False
    )
    top = max([y for _, y in points] + [100.0])
    fig.update_yaxes(range=[-5, top * 1.15], ticksuffix="%", title={"text": "payout"})
    return fig


def curve_options(curves: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The payout curve chooser's options: plan · goal, by component key."""
    return [
        {"label": f"{shorten(c['plan'], 40)} · {shorten(c['goal_name'], 50)}", "value": c["key"]}
        for c in curves
    ]


def chosen_curve(board: dict[str, Any]) -> dict[str, Any] | None:
    """The board's chosen component (None without components)."""
    return next((c for c in board["curves"] if c["key"] == board["chosen"]), None)
