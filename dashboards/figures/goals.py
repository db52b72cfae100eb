"""Shared goals figures: progress against trajectory, history, the goals table."""

from __future__ import annotations

from typing import Any

from dashboards.figures.base import (
    METRIC_LABELS,
    OKABE_ITO,
    Figure,
    _base,
    add_band,
    empty_figure,
    fmt,
    new_figure,
    scatter,
)

STATUS_LABELS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "not_enough_data": "Not enough data",
    "met": "Met",
    "missed": "Missed",
}
STATUS_COLOURS = {
    "on_track": OKABE_ITO["green"],
    "met": OKABE_ITO["blue"],
    "at_risk": OKABE_ITO["orange"],
    "off_track": OKABE_ITO["vermillion"],
    "missed": OKABE_ITO["black"],
    "not_enough_data": "#8a94a6",
}
GOAL_ROW_HEIGHT = 115
# Within a row: the goal's panel (markers), then room for its tick labels, its axis title and
# the next goal's name, in pixels, so that they never overlap however many goals there are.
_PANEL = 40
_GAP = GOAL_ROW_HEIGHT - _PANEL
_MARGIN_TOP, _MARGIN_BOTTOM = 118, 96
NO_GOALS = "No goals yet: team leads set them in the admin or through the goals API."


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plot_height(count: int) -> int:
    return count * _PANEL + (count - 1) * _GAP


def _rows(count: int) -> list[list[float]]:
    """Vertical domains of `count` stacked panels, top first (layout geometry only)."""
    plot = _plot_height(count)
    tops = [1.0 - i * GOAL_ROW_HEIGHT / plot for i in range(count)]
    return [[max(0.0, top - _PANEL / plot), top] for top in tops]


def goals_figure(board: dict[str, Any]) -> Figure:
    """Each goal on its own scale: baseline, target, stretch, where it should be today
    (expected), and where it is (value with its 95% interval), coloured by status."""
    goals = board["goals"]
    title = f"Progress against trajectory on {board['as_of']}"
    if not goals:
        return empty_figure(NO_GOALS, title=title)
    fig = new_figure()
    for row, (goal, domain) in enumerate(zip(goals, _rows(len(goals)), strict=True), start=1):
        metric = goal["metric"]
        first = row == 1
        suffix = "" if first else str(row)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        marks = [
            ("baseline", goal["baseline"], "line-ns-open", "#8a94a6"),
            ("target", goal["target"], "line-ns-open", OKABE_ITO["black"]),
            ("stretch", goal["stretch"], "star-open", OKABE_ITO["black"]),
            ("expected today", goal["expected"], "triangle-down", OKABE_ITO["sky"]),
        ]
        for name, value, symbol, colour in marks:
            if value is None:
                continue
            fig.add_trace(
                scatter(
                    x=[value],
                    y=[0],
                    mode="markers",
                    name=name,
                    legendgroup=name,
                    showlegend=first,
                    marker={"symbol": symbol, "size": 16, "color": colour, "line": {"width": 2}},
                    hovertemplate=f"{name}: {fmt(metric, value)}<extra></extra>",
                    **axes,
                )
            )
        colour = STATUS_COLOURS.get(goal["status"], OKABE_ITO["blue"])
        if goal["low"] is not None and goal["high"] is not None:
            fig.add_trace(
                scatter(
                    x=[goal["low"], goal["high"]],
                    y=[0, 0],
                    mode="lines",
                    line={"color": colour, "width": 4},
                    name="95% interval",
                    legendgroup="interval",
                    showlegend=first,
                    hoverinfo="skip",
                    **axes,
                )
            )
        if goal["value"] is not None:
            small = goal["n"] < goal["min_n"]
            fig.add_trace(
                scatter(
                    x=[goal["value"]],
                    y=[0],
                    mode="markers",
                    name="measured",
                    legendgroup="measured",
                    showlegend=first,
                    marker={
                        "symbol": "circle-open" if small else "circle",
                        "size": 14,
                        "color": colour,
                        "line": {"width": 2},
                    },
                    hovertemplate=(
                        f"{METRIC_LABELS.get(metric, metric)} {fmt(metric, goal['value'])}"
                        f"<br>95% CI {fmt(metric, goal['low'])} to {fmt(metric, goal['high'])}"
                        f"<br>n = {goal['n']:,}<extra></extra>"
                    ),
                    **axes,
                )
            )
        fig.update_layout(
            **{
                f"xaxis{suffix}": {
                    "anchor": f"y{suffix}",
                    "automargin": False,
                    "title": {
                        "text": f"{METRIC_LABELS.get(metric, metric)} · n = {goal['n']:,}",
                        "standoff": 2,
                        "font": {"size": 12},
                    },
                },
                f"yaxis{suffix}": {
                    "anchor": f"x{suffix}",
                    "domain": domain,
                    "visible": False,
                    "range": [-1, 1],
                },
            }
        )
        fig.add_annotation(
            text=f"<b>{_short(goal['name'], 90)}</b> · "
            f"{STATUS_LABELS.get(goal['status'], goal['status'])}",
            x=0,
            xref="paper",
            xanchor="left",
            y=domain[1],
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            font={"size": 13},
        )
    _base(
        fig,
        title=title,
        subtitle="Marker: measured value with 95% interval, coloured by status; hollow when n "
        "is below the goal's minimum",
        height=_plot_height(len(goals)) + _MARGIN_TOP + _MARGIN_BOTTOM,
    )
    # The legend goes below the last panel's tick labels and axis title.
    legend_y = -56 / _plot_height(len(goals))
    fig.update_layout(legend={"y": legend_y, "yanchor": "top", "x": 0, "orientation": "h"})
    fig.update_layout(margin={"b": _MARGIN_BOTTOM, "t": _MARGIN_TOP})  # t: the first name
    # Placed by pixels above: growing a margin would only redraw the graph (once per axis).
    fig.update_xaxes(automargin=False)
    fig.update_yaxes(automargin=False)
    return fig


def goal_history_figure(timeline: dict[str, Any] | None) -> Figure:
    """One goal's nightly snapshots: value with its band, the expected path and the target."""
    if timeline is None:
        return empty_figure("Choose a goal to see its history.", title="Goal history")
    goal, history = timeline["goal"], timeline["history"]
    metric = goal["metric"]
    title = _short(goal["name"], 90)
    if not history:
        return empty_figure("No snapshots yet (they are taken nightly).", title=title)
    x = [h["as_of"] for h in history]
    fig = new_figure()
    add_band(fig, x, low=[h["low"] for h in history], high=[h["high"] for h in history])
    fig.add_trace(
        scatter(
            x=x,
            y=[h["expected"] for h in history],
            mode="lines",
            name="expected path",
            line={"dash": "dash", "color": OKABE_ITO["sky"], "width": 2},
        )
    )
    fig.add_trace(
        scatter(
            x=x,
            y=[h["value"] for h in history],
            mode="lines+markers",
            name="measured",
            line={"color": OKABE_ITO["blue"], "width": 2},
            marker={
                "size": 7,
                "color": [STATUS_COLOURS.get(h["status"], OKABE_ITO["blue"]) for h in history],
                "symbol": [
                    "circle-open" if h["status"] == "not_enough_data" else "circle" for h in history
                ],
            },
            hovertext=[
                f"{h['as_of']}: {fmt(metric, h['value'])} (n = {h['n']:,})<br>"
                f"expected {fmt(metric, h['expected'])} · {STATUS_LABELS.get(h['status'], '')}"
                for h in history
            ],
            hoverinfo="text",
        )
    )
    fig.add_hline(
        y=goal["target"],
        line={"color": OKABE_ITO["black"], "width": 1},
        annotation_text=f"target {fmt(metric, goal['target'])}",
        annotation_position="top left",
    )
    _base(
        fig,
        title=title,
        subtitle=f"{METRIC_LABELS.get(metric, metric)} · latest n = {history[-1]['n']:,} · "
        f"now {STATUS_LABELS.get(goal['status'], goal['status'])} · markers coloured by status",
    )
    fig.update_xaxes(type="date")
    return fig


def goal_rows(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows (and CSV): one per goal."""
    return [
        {
            "goal": g["name"],
            "metric": METRIC_LABELS.get(g["metric"], g["metric"]),
            "status": STATUS_LABELS.get(g["status"], g["status"]),
            "value": fmt(g["metric"], g["value"]),
            "ci95": f"{fmt(g['metric'], g['low'])} to {fmt(g['metric'], g['high'])}",
            "n": g["n"],
            "expected": fmt(g["metric"], g["expected"]),
            "target": fmt(g["metric"], g["target"]),
            "departments": ", ".join(g["department_names"]),
            "shared": "yes" if g["shared"] else "no",
            "period": f"{g['start']} – {g['end']}",
            "owner": g["owner"],
        }
        for g in board["goals"]
    ]


def goal_options(board: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"label": _short(g["name"], 80), "value": g["goal_id"]} for g in board["goals"]]


def goals_panel(page: dict[str, Any]) -> tuple[Figure, list[dict], list[dict], Any, Figure]:
    """The goals page's outputs (selectors.dashboards.goals_page): progress figure, table
    rows, history choices, the chosen goal and its history figure."""
    return (
        goals_figure(page),
        goal_rows(page),
        goal_options(page),
        page["chosen"],
        goal_history_figure(page["timeline"]),
    )


# --- Incentives ---------------------------------------------------------------------------
