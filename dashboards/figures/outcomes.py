"""Outcome figures: trends, breakdowns, the channel x department matrix, consistency."""

from __future__ import annotations

from typing import Any

from dashboards.figures.base import (
    DIVERGING,
    METRIC_LABELS,
    METRIC_UNITS,
    NO_MATCH,
    OKABE_ITO,
    SEQUENTIAL,
    Figure,
    add_band,
    apply_layout,
    empty_figure,
    error_bars,
    fmt,
    fmt_diff,
    fmt_p,
    grid_figure,
    new_figure,
    sample_note,
    sample_symbols,
    scatter,
    score_hover,
)


def trend_figure(trend: dict[str, Any]) -> Figure:
    """The metric over time with its 95% band; small-sample periods hollow."""
    metric, points = trend["metric"], trend["points"]
    label = METRIC_LABELS.get(metric, metric)
    title = f"{label} by {trend['grain']}"
    if not points:
        return empty_figure(NO_MATCH, title=title)
    x = [p["key"] for p in points]
    fig = new_figure()
    bounds = [p.get("ci95") or [None, None] for p in points]
    add_band(fig, x, low=[b[0] for b in bounds], high=[b[1] for b in bounds])
    fig.add_trace(
        scatter(
            x=x,
            y=[p["score"] for p in points],
            mode="lines+markers",
            name=label,
            line={"color": OKABE_ITO["blue"], "width": 2},
            marker={"symbol": sample_symbols(points), "size": 8, "color": OKABE_ITO["blue"]},
            hovertext=[score_hover(metric, p, p["key"]) for p in points],
            hoverinfo="text",
        )
    )
    apply_layout(
        fig,
        title=f"{title} ({METRIC_UNITS.get(metric, '')})",
        subtitle=sample_note(trend["n"], trend["low_n"]),
    )
    fig.update_xaxes(type="date")
    return fig


def _dot_plot(
    fig: Figure,
    metric: str,
    groups: list[dict[str, Any]],
    *,
    colours: list[str] | str,
    name: str,
    showlegend: bool = False,
) -> None:
    fig.add_trace(
        scatter(
            x=[g["score"] for g in groups],
            y=[f"{g['label']} (n={g['n']:,})" for g in groups],
            mode="markers",
            name=name,
            showlegend=showlegend,
            marker={
                "symbol": sample_symbols(groups),
                "size": 11,
                "color": colours,
                "line": {"width": 2},
            },
            error_x=error_bars(groups),
            hovertext=[score_hover(metric, g, g["label"]) for g in groups],
            hoverinfo="text",
        )
    )


def breakdown_figure(breakdown: dict[str, Any], *, dimension: str = "channel") -> Figure:
    """The metric per group with 95% intervals, and the overall score as a dashed line."""
    metric = breakdown["metric"]
    label = METRIC_LABELS.get(metric, metric)
    title = f"{label} by {dimension}"
    groups = breakdown["groups"]
    if not groups:
        return empty_figure(NO_MATCH, title=title)
    fig = new_figure()
    _dot_plot(fig, metric, list(reversed(groups)), colours=OKABE_ITO["blue"], name=label)
    overall = breakdown["overall"]
    if overall:
        fig.add_vline(
            x=overall["score"],
            line={"dash": "dash", "color": OKABE_ITO["black"], "width": 1},
            annotation_text=f"all: {fmt(metric, overall['score'])}",
            annotation_position="top",
        )
    apply_layout(
        fig,
        title=f"{title} ({METRIC_UNITS.get(metric, '')})",
        subtitle=sample_note(breakdown["n"], breakdown["low_n"]),
        wrap=60,
    )
    return fig


def matrix_figure(matrix: dict[str, Any]) -> Figure:
    """Channel x department heatmap; small-sample cells are left uncoloured."""
    metric = matrix["metric"]
    label = METRIC_LABELS.get(metric, metric)
    title = f"{label} by channel and department"
    if not matrix["cells"]:
        return empty_figure(NO_MATCH, title=title)
    cells = {(c["department"], c["channel"]): c for c in matrix["cells"]}
    rows, cols = matrix["departments"], matrix["channels"]
    z, text, hover = [], [], []
    for row in rows:
        z_row, text_row, hover_row = [], [], []
        for col in cols:
            cell = cells.get((row["key"], col["key"]))
            if cell is None:
                z_row.append(None)
                text_row.append("")
                hover_row.append(f"{row['label']} · {col['label']}: no responses")
                continue
            small = cell["low_sample"]
            z_row.append(None if small else cell["score"])
            text_row.append(
                f"{fmt(metric, cell['score'])}<br>n={cell['n']:,}"
                + ("<br>small n" if small else "")
            )
            hover_row.append(score_hover(metric, cell, f"{row['label']} · {col['label']}"))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    return grid_figure(
        title=f"{title} ({METRIC_UNITS.get(metric, '')})",
        subtitle=f"n = {matrix['n']:,} · uncoloured cells have fewer than {matrix['low_n']} "
        "responses (small samples)",
        colourbar=label,
        z=z,
        x=[c["label"] for c in cols],
        y=[r["label"] for r in rows],
        text=text,
        hovertext=hover,
        hoverinfo="text",
        colorscale=SEQUENTIAL,
    )


def consistency_figure(consistency: dict[str, Any]) -> Figure:
    """Channels best to worst with intervals; the best and worst solid channels highlighted."""
    metric = consistency["metric"]
    label = METRIC_LABELS.get(metric, metric)
    title = f"{label}: spread between channels"
    channels = consistency["channels"]
    if not channels:
        return empty_figure(NO_MATCH, title=title)
    best, worst = consistency["best"], consistency["worst"]
    colours = [
        OKABE_ITO["green"]
        if best and c["key"] == best["key"]
        else OKABE_ITO["vermillion"]
        if worst and c["key"] == worst["key"]
        else OKABE_ITO["blue"]
        for c in channels
    ]
    fig = new_figure()
    _dot_plot(fig, metric, list(reversed(channels)), colours=list(reversed(colours)), name=label)
    spread = consistency["spread"]
    if spread:
        verdict = "significant" if spread["significant"] else "not significant"
        subtitle = (
            f"Best {best['label']} minus worst {worst['label']}: "
            f"{fmt_diff(metric, spread['difference'])}, {verdict} "
            f"(Holm-adjusted {fmt_p(spread['p_adjusted'])}) · n = {consistency['n']:,}"
        )
    else:
        subtitle = (
            f"Fewer than two channels with {consistency['low_n']}+ responses: no spread shown"
            f" · n = {consistency['n']:,}"
        )
    apply_layout(fig, title=title, subtitle=subtitle, wrap=60)
    return fig


def pairwise_figure(consistency: dict[str, Any]) -> Figure:
    """Row minus column for every pair of channels; only significant differences coloured."""
    metric = consistency["metric"]
    title = "Which channel differences are real"
    channels = consistency["channels"]
    if len(channels) < 2:
        return empty_figure("Fewer than two channels have responses.", title=title)
    cells = {(c["row"], c["col"]): c for c in consistency["matrix"]}
    keys = [c["key"] for c in channels]
    names = [c["label"] for c in channels]
    z, text = [], []
    for row in keys:
        z_row, text_row = [], []
        for col in keys:
            cell = cells.get((row, col))
            if cell is None or cell["difference"] is None:
                z_row.append(None)
                text_row.append("")
            elif cell["significant"]:
                z_row.append(cell["difference"])
                text_row.append(fmt_diff(metric, cell["difference"]))
            else:
                z_row.append(None)
                text_row.append("n.s.")
        z.append(z_row)
        text.append(text_row)
    colours: dict[str, Any] = {"colorscale": DIVERGING, "zmid": 0}
    verdict = "; coloured where significant after"
    if all(value is None for z_row in z for value in z_row):
        # Plotly draws nothing (no cells, no labels) for a heatmap without a single value: show
        # the tested pairs as neutral cells, so "nothing is significant" reads as a finding.
        z = [[None if label == "" else 0 for label in text_row] for text_row in text]
        colours = {"colorscale": [[0.0, "#f7f7f7"], [1.0, "#f7f7f7"]], "showscale": False}
        verdict = ": no difference between channels is significant after"
    return grid_figure(
        title=title,
        wrap=70,
        subtitle=f"Row minus column{verdict} Holm adjustment over all pairs (family-wise 5%); "
        "n.s. = not significant",
        colourbar="row − col",
        z=z,
        x=names,
        y=names,
        text=text,
        hovertemplate="%{y} minus %{x}: %{text}<extra></extra>",
        **colours,
    )


def pair_rows(consistency: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows (and CSV) for every pair of channels."""
    metric = consistency["metric"]
    return [
        {
            "a": pair["a_label"],
            "b": pair["b_label"],
            "difference": fmt_diff(metric, pair["difference"]),
            "p": fmt_p(pair["p"]),
            "p_adjusted": fmt_p(pair["p_adjusted"]),
            "significant": "yes" if pair["significant"] else "no",
        }
        for pair in consistency["pairs"]
    ]


def consistency_panel(consistency: dict[str, Any]) -> tuple[Figure, Figure, list[dict]]:
    """The channels page's consistency outputs from one selector result."""
    return consistency_figure(consistency), pairwise_figure(consistency), pair_rows(consistency)
