"""Shared goals figures: progress against trajectory, history, the goals table."""

from __future__ import annotations

from typing import Any

from dashboards.figures.base import (
    METRIC_LABELS,
    OKABE_ITO,
    Figure,
    add_band,
    apply_layout,
    empty_figure,
    fmt,
    new_figure,
    scatter,
    shorten,
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
GOAL_ROW_HEIGHT = 64
_MARGIN_TOP, _MARGIN_BOTTOM, _MARGIN_LEFT = 96, 110, 330
NO_GOALS = "No goals yet: team leads set them in the admin or through the goals API."


def _label(goal: dict[str, Any]) -> str:
    metric = METRIC_LABELS.get(goal["metric"], goal["metric"])
    status = STATUS_LABELS.get(goal["status"], goal["status"])
    label = f"<b>{shorten(goal['name'], 40)}</b><br>{status} · {metric} · n = {goal['n']:,}"
    if goal["value"] is not None and goal["progress"]["value"] is None:
        label += " · baseline = target: no scale"
    return label


def _hover(goal: dict[str, Any]) -> str:
    metric = goal["metric"]
    measured = "no value yet"
    if goal["value"] is not None:
        measured = f"{fmt(metric, goal['value'])}"
        if goal["low"] is not None and goal["high"] is not None:
            measured += f" (95% CI {fmt(metric, goal['low'])} to {fmt(metric, goal['high'])})"
    stretch = f", stretch {fmt(metric, goal['stretch'])}" if goal["stretch"] is not None else ""
    return (
        f"<b>{shorten(goal['name'], 90)}</b><br>{METRIC_LABELS.get(metric, metric)} {measured}, "
        f"n = {goal['n']:,}<br>baseline {fmt(metric, goal['baseline'])}, expected today "
        f"{fmt(metric, goal['expected'])}, target {fmt(metric, goal['target'])}{stretch}"
    )


def goals_figure(board: dict[str, Any]) -> Figure:
    """Every goal on one scale, the way from its baseline (0%) to its target (100%): where it
    should be today on a straight path (expected), its stretch, and where it is (value with
    its 95% interval), coloured by status; the goal's own units in the hover."""
    goals = board["goals"]
    title = f"Progress against trajectory on {board['as_of']}"
    if not goals:
        return empty_figure(NO_GOALS, title=title)
    labels = [_label(goal) for goal in goals]
    way = [goal["progress"] for goal in goals]
    hover = [_hover(goal) for goal in goals]
    fig = new_figure()
    marks = [
        ("baseline (0%)", [0.0] * len(goals), "line-ns-open", "#8a94a6"),
        ("target (100%)", [100.0] * len(goals), "line-ns-open", OKABE_ITO["black"]),
        ("stretch", [w["stretch"] for w in way], "star-open", OKABE_ITO["black"]),
        ("expected today", [w["expected"] for w in way], "triangle-down", OKABE_ITO["sky"]),
    ]
    for name, x, symbol, colour in marks:
        if all(v is None for v in x):
            continue
        fig.add_trace(
            scatter(
                x=x,
                y=labels,
                mode="markers",
                name=name,
                marker={"symbol": symbol, "size": 16, "color": colour, "line": {"width": 2}},
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    # The intervals: one line per goal (segments separated by gaps).
    segments_x: list[float | None] = []
    segments_y: list[str | None] = []
    for label, w in zip(labels, way, strict=True):
        if w["low"] is not None and w["high"] is not None:
            segments_x += [w["low"], w["high"], None]
            segments_y += [label, label, None]
    if segments_x:
        fig.add_trace(
            scatter(
                x=segments_x,
                y=segments_y,
                mode="lines",
                name="95% interval",
                line={"color": "#52606d", "width": 3},
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        scatter(
            x=[w["value"] for w in way],
            y=labels,
            mode="markers",
            name="measured",
            marker={
                "symbol": [
                    "circle-open" if goal["n"] < goal["min_n"] else "circle" for goal in goals
                ],
                "size": 14,
                "color": [STATUS_COLOURS.get(goal["status"], OKABE_ITO["blue"]) for goal in goals],
                "line": {"width": 2},
            },
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    apply_layout(
        fig,
        title=title,
        subtitle="Percent of the way from each goal's baseline to its target. Marker: measured "
        "value, coloured by status (the label says which), hollow when n is below the goal's "
        "minimum",
        height=len(goals) * GOAL_ROW_HEIGHT + _MARGIN_TOP + _MARGIN_BOTTOM,
    )
    fig.update_layout(
        margin={"l": _MARGIN_LEFT, "t": _MARGIN_TOP, "b": _MARGIN_BOTTOM},
        legend={"y": -70 / (len(goals) * GOAL_ROW_HEIGHT), "yanchor": "top"},
    )
    # Laid out in pixels above: growing a margin would only redraw the graph.
    fig.update_xaxes(
        automargin=False,
        title={"text": "% of the way from baseline to target", "standoff": 4},
        ticksuffix="%",
        zeroline=False,
    )
    fig.update_yaxes(automargin=False, autorange="reversed", type="category")
    return fig


def goal_history_figure(timeline: dict[str, Any] | None) -> Figure:
    """One goal's nightly snapshots: value with its band, the expected path and the target."""
    if timeline is None:
        return empty_figure("Choose a goal to see its history.", title="Goal history")
    goal, history = timeline["goal"], timeline["history"]
    metric = goal["metric"]
    title = shorten(goal["name"], 90)
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
    apply_layout(
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
    return [{"label": shorten(g["name"], 80), "value": g["goal_id"]} for g in board["goals"]]


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
