"""Follow-up figures: open and overdue by department, the on-time rate over time with its
band, root causes ranked, and recovery by department (plain data from
`selectors.dashboards.followups_board` in, figures out; no arithmetic)."""

from __future__ import annotations

from typing import Any

from dashboards.figures.base import (
    OKABE_ITO,
    Figure,
    add_band,
    apply_layout,
    bar,
    empty_figure,
    error_bars,
    new_figure,
    sample_symbols,
    scatter,
)

NO_FOLLOWUPS = "No follow-ups were opened in these filters."


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _interval(ci95: list[float] | None) -> str:
    return "no interval" if not ci95 else f"{ci95[0]:.1f}% to {ci95[1]:.1f}%"


def _small(low_sample: bool) -> str:
    return "<br><i>small sample: not a finding</i>" if low_sample else ""


def open_overdue_figure(summary: dict[str, Any]) -> Figure:
    """Per owner department: follow-ups still open and, of those, overdue now."""
    title = "Open and overdue by department"
    groups = summary["groups"]
    if not groups:
        return empty_figure(NO_FOLLOWUPS, title=title)
    labels = [g["label"] for g in groups]
    fig = new_figure()
    for key, name, colour in (
        ("open", "Open", OKABE_ITO["blue"]),
        ("overdue", "Overdue (open past due)", OKABE_ITO["vermillion"]),
    ):
        fig.add_trace(
            bar(
                x=labels,
                y=[g[key] for g in groups],
                name=name,
                marker={"color": colour},
                hovertext=[
                    f"<b>{g['label']}</b><br>{g['open']:,} open, {g['overdue']:,} overdue"
                    f"<br>of {g['opened']:,} opened in the period"
                    for g in groups
                ],
                hoverinfo="text",
            )
        )
    overall = summary["overall"]
    apply_layout(
        fig,
        title=title,
        subtitle=f"Follow-ups opened in the period, as they stand now · n = {overall['opened']:,}"
        f" opened · {overall['open']:,} open · {overall['overdue']:,} overdue",
        wrap=60,
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(rangemode="tozero", title={"text": "follow-ups"})
    return fig


def on_time_trend_figure(summary: dict[str, Any]) -> Figure:
    """The on-time close rate per period of opening, with its Wilson 95% band; periods with
    fewer than `low_n` opened are hollow."""
    grain = summary["group_by"]
    title = f"Closed on time by {grain} opened"
    points = summary["groups"]
    if not points:
        return empty_figure(NO_FOLLOWUPS, title=title)
    x = [p["key"] for p in points]
    fig = new_figure()
    bounds = [p["ci95"] or [None, None] for p in points]
    add_band(fig, x, low=[b[0] for b in bounds], high=[b[1] for b in bounds])
    fig.add_trace(
        scatter(
            x=x,
            y=[p["on_time_rate"] for p in points],
            mode="lines+markers",
            name="On-time close rate",
            line={"color": OKABE_ITO["blue"], "width": 2},
            marker={"symbol": sample_symbols(points), "size": 8, "color": OKABE_ITO["blue"]},
            hovertext=[
                f"<b>{p['key']}</b><br>{_pct(p['on_time_rate'])} closed on time"
                f"<br>95% CI {_interval(p['ci95'])}"
                f"<br>{p['closed_on_time']:,} of n = {p['opened']:,} opened"
                f"{_small(p['low_sample'])}"
                for p in points
            ],
            hoverinfo="text",
        )
    )
    overall = summary["overall"]
    apply_layout(
        fig,
        title=f"{title} (% of opened, closed by due time)",
        subtitle=f"All: {_pct(overall['on_time_rate'])} (95% CI {_interval(overall['ci95'])}), "
        f"n = {overall['opened']:,} opened · hollow markers: fewer than {summary['low_n']} "
        "opened, a small sample, not a finding",
    )
    fig.update_xaxes(type="date")
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def root_causes_figure(summary: dict[str, Any]) -> Figure:
    """Root causes of the closed follow-ups, most frequent on top."""
    title = "Root causes"
    causes = summary["root_causes"]
    if not causes:
        return empty_figure("No follow-up closed with a root cause in these filters.", title=title)
    ordered = list(reversed(causes))
    fig = new_figure(
        bar(
            x=[c["count"] for c in ordered],
            y=[c["name"] for c in ordered],
            orientation="h",
            marker={"color": OKABE_ITO["orange"]},
            text=[f"{c['count']:,}" for c in ordered],
            textposition="auto",
            hovertext=[f"<b>{c['name']}</b><br>{c['count']:,} closed" for c in ordered],
            hoverinfo="text",
            name="closed",
        )
    )
    apply_layout(
        fig,
        title=title,
        subtitle=f"Closed follow-ups by root cause · n = {summary['overall']['closed']:,} closed",
        wrap=55,
    )
    fig.update_xaxes(rangemode="tozero")
    return fig


def recovery_figure(summary: dict[str, Any]) -> Figure:
    """Recovery per department with its Wilson 95% interval (departments where nobody
    answered again are left out); hollow below `low_n` customers."""
    title = "Recovery after closing"
    groups = [g for g in summary["groups"] if g["recovery"]["n"]]
    overall = summary["overall"]["recovery"]
    if not groups:
        return empty_figure(
            "No customer answered again after a closed follow-up in these filters.", title=title
        )
    shown = list(reversed(groups))
    recovery = [g["recovery"] for g in shown]
    fig = new_figure(
        scatter(
            x=[r["rate"] for r in recovery],
            y=[f"{g['label']} (n={g['recovery']['n']:,})" for g in shown],
            mode="markers",
            name="recovered",
            marker={
                "symbol": sample_symbols(recovery),
                "size": 11,
                "color": OKABE_ITO["green"],
                "line": {"width": 2},
            },
            error_x=error_bars(recovery),
            hovertext=[
                f"<b>{g['label']}</b><br>{r['recovered']:,} of n = {r['n']:,} customers no "
                f"longer unhappy<br>{_pct(r['rate'])} (95% CI {_interval(r['ci95'])})"
                f"{_small(r['low_sample'])}"
                for g, r in zip(shown, recovery, strict=True)
            ],
            hoverinfo="text",
        )
    )
    apply_layout(
        fig,
        title=title,
        subtitle=f"Customers whose next answer after the close is outside the rule's band · "
        f"all: {_pct(overall['rate'])} (95% CI {_interval(overall['ci95'])}), "
        f"n = {overall['n']:,} · hollow: fewer than {summary['low_n']}",
        wrap=55,
    )
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    return fig


def followups_panel(board: dict[str, Any]) -> tuple[Figure, Figure, Figure, Figure]:
    """The page's four figures from one `followups_board`."""
    by_department = board["by_department"]
    return (
        open_overdue_figure(by_department),
        on_time_trend_figure(board["over_time"]),
        root_causes_figure(by_department),
        recovery_figure(by_department),
    )
