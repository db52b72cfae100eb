"""Pure figure builders: plain data from the selectors in, a plotly Figure out.

No database, no arithmetic on the figures (every number, interval and margin comes from the
selectors); only layout and formatting. Every figure names its n in the title and marks
groups below the small-sample threshold (hollow markers or a note), so noise is never shown as
a finding. Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies.
"""

from __future__ import annotations

import textwrap
from typing import Any

import plotly.io as pio


class Figure:
    """A plotly figure kept as plain dicts, with the few go.Figure methods the builders use.

    plotly.graph_objects validates every property on construction, which costs 50-250 ms per
    figure; these figures are built from trusted code, so they skip it. dcc.Graph and the
    JSON encoder accept it (`to_plotly_json`); `new_figure(fig.to_dict())` gives the full object.
    """

    def __init__(self) -> None:
        self.data: list[dict[str, Any]] = []
        self.layout: dict[str, Any] = {"template": TEMPLATE}

    def to_dict(self) -> dict[str, Any]:
        return {"data": self.data, "layout": self.layout}

    to_plotly_json = to_dict

    def add_trace(self, trace: dict[str, Any]) -> None:
        self.data.append(trace)

    def update_layout(self, **values: Any) -> None:
        _merge(self.layout, values)

    def update_xaxes(self, **values: Any) -> None:
        _merge(self.layout.setdefault("xaxis", {}), values)

    def update_yaxes(self, **values: Any) -> None:
        _merge(self.layout.setdefault("yaxis", {}), values)

    def add_annotation(self, **values: Any) -> None:
        self.layout.setdefault("annotations", []).append(values)

    def add_vline(self, *, x: Any, line: dict, annotation_text: str = "", **_: Any) -> None:
        self.layout.setdefault("shapes", []).append(
            {
                "type": "line",
                "x0": x,
                "x1": x,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": line,
            }
        )
        if annotation_text:
            self.add_annotation(
                x=x,
                xref="x",
                y=1,
                yref="paper",
                yanchor="bottom",
                text=annotation_text,
                showarrow=False,
            )

    def add_hline(self, *, y: Any, line: dict, annotation_text: str = "", **kw: Any) -> None:
        self.layout.setdefault("shapes", []).append(
            {
                "type": "line",
                "y0": y,
                "y1": y,
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "xref": "paper",
                "line": line,
            }
        )
        if annotation_text:
            self.add_annotation(
                y=y,
                yref="y",
                x=1,
                xref="paper",
                xanchor="right",
                yanchor="bottom",
                text=annotation_text,
                showarrow=False,
                bgcolor=kw.get("annotation_bgcolor", "rgba(255,255,255,0.8)"),
            )


def _merge(target: dict[str, Any], values: dict[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def scatter(**values: Any) -> dict[str, Any]:
    return {"type": "scatter", **values}


def bar(**values: Any) -> dict[str, Any]:
    return {"type": "bar", **values}


def heatmap(**values: Any) -> dict[str, Any]:
    return {"type": "heatmap", **values}


def new_figure(trace: dict[str, Any] | None = None) -> Figure:
    fig = Figure()
    if trace is not None:
        fig.add_trace(trace)
    return fig


# The layout part of plotly's "plotly_white" template (plotly.js knows no template names).
TEMPLATE = {"layout": pio.templates["plotly_white"].layout.to_plotly_json()}
# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
COLORWAY = [OKABE_ITO[k] for k in ("blue", "orange", "green", "purple", "sky", "vermillion")]
HANDLER_COLOURS = {
    "ai": OKABE_ITO["orange"],
    "human": OKABE_ITO["blue"],
    "ai_to_human": OKABE_ITO["purple"],
}
HANDLER_LABELS = {"ai": "AI", "human": "Human", "ai_to_human": "AI escalated to human"}
# Blue (better) to orange (worse) through white: readable with every common deficiency.
DIVERGING = [[0.0, OKABE_ITO["vermillion"]], [0.5, "#f7f7f7"], [1.0, OKABE_ITO["blue"]]]
SEQUENTIAL = "Cividis"
GRAPH_HEIGHT = 380

_FORMATS = {"nps": "{:+.1f}", "csat": "{:.1f}%", "ces": "{:.2f}", "sentiment": "{:+.3f}"}
_DIFF_FORMATS = {
    "nps": "{:+.1f} pts",
    "csat": "{:+.1f} pts",
    "ces": "{:+.2f}",
    "sentiment": "{:+.3f}",
}
METRIC_LABELS = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "sentiment": "Sentiment"}
METRIC_UNITS = {
    "nps": "points, -100 to 100",
    "csat": "% satisfied (4-5 of 5)",
    "ces": "mean, 1-7, higher is easier",
    "sentiment": "mean compound, -1 to 1",
}


def fmt(metric: str, value: float | None) -> str:
    """A score or bound on its metric's scale, as every page shows it."""
    if value is None:
        return "–"
    return _FORMATS.get(metric, "{:.2f}").format(value)


def fmt_diff(metric: str, value: float | None) -> str:
    """A difference between two scores of `metric` (points for NPS and CSAT)."""
    if value is None:
        return "–"
    return _DIFF_FORMATS.get(metric, "{:+.2f}").format(value)


def fmt_p(p: float | None) -> str:
    if p is None:
        return "not testable"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_interval(metric: str, ci95: list[float | None] | None) -> str:
    if not ci95 or ci95[0] is None:
        return "no interval (n = 1)"
    return f"{fmt(metric, ci95[0])} to {fmt(metric, ci95[1])}"


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width=width)) if text else ""


def _base(
    fig: Figure,
    *,
    title: str,
    subtitle: str = "",
    height: int = GRAPH_HEIGHT,
    wrap: int = 90,
) -> None:
    """Common layout: bold title, a grey subtitle (wrapped at `wrap` characters) stating n and
    what is a small sample, the Okabe-Ito colourway, compact margins."""
    lines = _wrap(subtitle, wrap)
    fig.update_layout(
        title={
            "text": f"<b>{title}</b>",
            "subtitle": {"text": lines, "font": {"size": 12, "color": "#52606d"}},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": 16},
        },
        colorway=COLORWAY,
        height=height,
        margin={"l": 10, "r": 10, "t": 52 + 16 * (lines.count("<br>") + 1), "b": 10},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        hoverlabel={"font_size": 13},
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)


def sample_note(n: int, low_n: int) -> str:
    return (
        f"n = {n:,} · hollow markers: fewer than {low_n} responses, a small sample, not a finding"
    )


def empty_figure(message: str, *, title: str = "") -> Figure:
    """A blank figure saying why there is nothing to draw."""
    fig = new_figure()
    _base(fig, title=title or "No data", height=260)
    fig.add_annotation(
        text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font_size=15
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


NO_MATCH = "No responses match these filters."


def _symbols(groups: list[dict[str, Any]]) -> list[str]:
    return ["circle-open" if g.get("low_sample") else "circle" for g in groups]


def _errors(groups: list[dict[str, Any]], side: int) -> list[float | None]:
    return [g["err95"][side] if g.get("err95") else None for g in groups]


def _hover(metric: str, group: dict[str, Any], name: str) -> str:
    warning = "<br><i>small sample: not a finding</i>" if group.get("low_sample") else ""
    return (
        f"<b>{name}</b><br>{METRIC_LABELS.get(metric, metric)} {fmt(metric, group['score'])}"
        f"<br>95% CI {fmt_interval(metric, group.get('ci95'))}<br>n = {group['n']:,}{warning}"
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
    fig.add_trace(
        scatter(
            x=x,
            y=[(p.get("ci95") or [None, None])[1] for p in points],
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        scatter(
            x=x,
            y=[(p.get("ci95") or [None, None])[0] for p in points],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.18)",
            name="95% interval",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        scatter(
            x=x,
            y=[p["score"] for p in points],
            mode="lines+markers",
            name=label,
            line={"color": OKABE_ITO["blue"], "width": 2},
            marker={"symbol": _symbols(points), "size": 8, "color": OKABE_ITO["blue"]},
            hovertext=[_hover(metric, p, p["key"]) for p in points],
            hoverinfo="text",
        )
    )
    _base(
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
            marker={"symbol": _symbols(groups), "size": 11, "color": colours, "line": {"width": 2}},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": _errors(groups, 1),
                "arrayminus": _errors(groups, 0),
                "thickness": 2,
                "width": 4,
            },
            hovertext=[_hover(metric, g, g["label"]) for g in groups],
            hoverinfo="text",
        )
    )


def breakdown_figure(breakdown: dict[str, Any], *, dimension: str = "channel") -> Figure:
    """The metric per group with 95% intervals, and the overall figure as a dashed line."""
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
    _base(
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
            hover_row.append(_hover(metric, cell, f"{row['label']} · {col['label']}"))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    fig = new_figure(
        heatmap(
            z=z,
            x=[c["label"] for c in cols],
            y=[r["label"] for r in rows],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            colorscale=SEQUENTIAL,
            colorbar={"title": {"text": label}, "thickness": 12},
            xgap=2,
            ygap=2,
        )
    )
    _base(
        fig,
        title=f"{title} ({METRIC_UNITS.get(metric, '')})",
        subtitle=f"n = {matrix['n']:,} · uncoloured cells have fewer than {matrix['low_n']} "
        "responses (small samples)",
    )
    fig.update_layout(plot_bgcolor="#eef1f4")
    fig.update_yaxes(autorange="reversed")
    return fig


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
    _base(fig, title=title, subtitle=subtitle, wrap=60)
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
    fig = new_figure(
        heatmap(
            z=z,
            x=names,
            y=names,
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} minus %{x}: %{text}<extra></extra>",
            colorscale=DIVERGING,
            zmid=0,
            colorbar={"title": {"text": "row − col"}, "thickness": 12},
            xgap=2,
            ygap=2,
        )
    )
    _base(
        fig,
        title=title,
        wrap=70,
        subtitle="Row minus column; coloured where significant after Holm adjustment over all "
        "pairs (family-wise 5%); n.s. = not significant",
    )
    fig.update_layout(plot_bgcolor="#eef1f4")
    fig.update_yaxes(autorange="reversed")
    return fig


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
                    "symbol": _symbols(groups),
                    "size": 11,
                    "color": colour,
                    "line": {"width": 2},
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": _errors(groups, 1),
                    "arrayminus": _errors(groups, 0),
                    "thickness": 2,
                    "width": 4,
                },
                hovertext=[
                    _hover(metric, g, f"{name} · {HANDLER_LABELS[handler]}") for name, g in present
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
    _base(
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
            error_y={
                "type": "data",
                "symmetric": False,
                "array": _errors(channels, 1),
                "arrayminus": _errors(channels, 0),
                "thickness": 2,
            },
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
    _base(
        fig,
        title="Escalated from AI to a human",
        subtitle=f"Percent of AI-handled responses · n = {escalation['n']:,} · hatched: fewer "
        f"than {escalation['low_n']} (small sample)",
        height=440,
        wrap=55,
    )
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return fig


def themes_figure(themes: dict[str, Any]) -> Figure:
    """The most frequent themes of negative comments, by how many comments mention them."""
    title = "Themes in negative comments"
    if not themes["themes"]:
        message = (
            f"No theme recurs in the {themes['n']:,} negative comment(s) of these filters."
            if themes["n"]
            else "No negative comments in these filters."
        )
        return empty_figure(message, title=title)
    items = list(reversed(themes["themes"]))
    fig = new_figure(
        bar(
            x=[t["comments"] for t in items],
            y=[t["theme"] for t in items],
            orientation="h",
            marker={"color": OKABE_ITO["vermillion"]},
            text=[f"{t['comments']:,} ({t['share']:.0f}%)" for t in items],
            textposition="auto",
            hovertext=[f"<b>{t['theme']}</b><br>e.g. “{t['example']}”" for t in items],
            hoverinfo="text",
        )
    )
    scope = f"the {themes['n']:,} most recent" if themes["sampled"] else f"all {themes['n']:,}"
    _base(
        fig,
        title=title,
        subtitle=f"Comments mentioning each theme, of {scope} negative comments",
        height=420,
    )
    fig.update_xaxes(title="comments")
    return fig


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
