"""Automation figures: outcomes by handler, escalation."""

from __future__ import annotations

from typing import Any

from dashboards.figures.base import (
    HANDLER_COLOURS,
    HANDLER_LABELS,
    METRIC_LABELS,
    METRIC_UNITS,
    NO_MATCH,
    OKABE_ITO,
    Figure,
    apply_layout,
    bar,
    empty_figure,
    error_bars,
    fmt,
    fmt_diff,
    fmt_interval,
    fmt_p,
    new_figure,
    sample_symbols,
    scatter,
    score_hover,
)


def automation_figure(comparison: dict[str, Any]) -> Figure:
    """AI, human and escalated outcomes per channel with intervals; risks flagged."""
    metric = comparison["metric"]
    label = METRIC_LABELS.get(metric, metric)
    title = f"{label} by who handled the interaction"
    entries = [*comparison["channels"], comparison["overall"]] if comparison["channels"] else []
    if not entries:
        return empty_figure(NO_MATCH, title=title)
    fig = new_figure()
    for handler, colour in HANDLER_COLOURS.items():
        present = [(e["label"], e["groups"][handler]) for e in entries if e["groups"][handler]]
        if not present:
            continue
        groups = [group for _, group in present]
        fig.add_trace(
            scatter(
                x=[name for name, _ in present],
                y=[g["score"] for g in groups],
                mode="markers",
                name=HANDLER_LABELS[handler],
                offsetgroup=handler,
                marker={
                    "symbol": sample_symbols(groups),
                    "size": 11,
                    "color": colour,
                    "line": {"width": 2},
                },
                error_y=error_bars(groups),
                hovertext=[
                    score_hover(metric, g, f"{name} · {HANDLER_LABELS[handler]}")
                    for name, g in present
                ],
                hoverinfo="text",
            )
        )
    for entry in entries:
        if entry["over_automation_risk"]:
            fig.add_annotation(
                x=entry["label"],
                y=1.0,
                yref="paper",
                yanchor="bottom",
                text="⚠ AI worse",
                showarrow=False,
                font={"color": OKABE_ITO["vermillion"], "size": 13},
            )
    apply_layout(
        fig,
        title=f"{title} ({METRIC_UNITS.get(metric, '')})",
        subtitle=f"n = {comparison['n']:,} · ⚠ = AI-handled significantly worse than human "
        "(Holm-adjusted over channels) · hollow: small sample · All channels pools every "
        "channel and is not tested (its mix of channels differs by handler)",
        height=440,
    )
    fig.update_layout(scattermode="group", scattergap=0.5)
    fig.update_xaxes(categoryorder="array", categoryarray=[e["label"] for e in entries])
    return fig


def escalation_figure(escalation: dict[str, Any]) -> Figure:
    """Share of AI-handled responses escalated to a human, per channel, with intervals."""
    title = "Escalated from AI to a human"
    channels = escalation["channels"]
    if not channels:
        return empty_figure("No AI-handled responses in these filters.", title=title)
    fig = new_figure(
        bar(
            x=[f"{c['label']}<br>n={c['n']:,}" for c in channels],
            y=[c["share"] for c in channels],
            marker={
                "color": OKABE_ITO["purple"],
                "pattern": {"shape": ["/" if c["low_sample"] else "" for c in channels]},
            },
            error_y=error_bars(channels),
            text=[f"{c['share']:.1f}%" for c in channels],
            textposition="inside",
            insidetextanchor="start",
            hovertext=[
                f"<b>{c['label']}</b><br>{c['escalated']:,} of {c['n']:,} AI-handled escalated"
                f"<br>{c['share']:.1f}% (95% CI {c['ci95'][0]:.1f} to {c['ci95'][1]:.1f})"
                for c in channels
            ],
            hoverinfo="text",
            name="escalated",
        )
    )
    overall = escalation["overall"]
    if overall["share"] is not None:
        fig.add_hline(
            y=overall["share"],
            line={"dash": "dash", "color": OKABE_ITO["black"], "width": 1},
            annotation_text=f"all channels: {overall['share']:.1f}%",
            annotation_position="top right",
            annotation_bgcolor="rgba(255,255,255,0.8)",
        )
    apply_layout(
        fig,
        title="Escalated from AI to a human",
        subtitle=f"Percent of AI-handled responses · n = {escalation['n']:,} · hatched: fewer "
        f"than {escalation['low_n']} (small sample)",
        height=440,
        wrap=55,
    )
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return fig


def automation_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows (and CSV): one per channel and handler."""
    metric = comparison["metric"]
    rows = []
    entries = [*comparison["channels"], comparison["overall"]] if comparison["channels"] else []
    for entry in entries:
        for handler, label in HANDLER_LABELS.items():
            group = entry["groups"][handler]
            if group is None:
                continue
            test = {"ai": entry["ai_vs_human"], "ai_to_human": entry["escalated_vs_human"]}.get(
                handler
            )
            rows.append(
                {
                    "channel": entry["label"],
                    "handled_by": label,
                    "score": fmt(metric, group["score"]),
                    "n": group["n"],
                    "ci95": fmt_interval(metric, group["ci95"]),
                    "vs_human": fmt_diff(metric, test["difference"]) if test else "",
                    "p_adjusted": fmt_p(test["p_adjusted"]) if test else "",
                    "risk": "yes"
                    if handler == "ai" and entry["over_automation_risk"]
                    else ("small sample" if group["low_sample"] else ""),
                }
            )
    return rows
