"""The figure type (plain dicts), the palette, number formats and the common layout."""

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
        self._add_line("x", x, line)
        if annotation_text:
            self.add_annotation(
                **self._line_end("x", x), yanchor="bottom", text=annotation_text, showarrow=False
            )

    def add_hline(self, *, y: Any, line: dict, annotation_text: str = "", **kw: Any) -> None:
        self._add_line("y", y, line)
        if annotation_text:
            self.add_annotation(
                **self._line_end("y", y),
                xanchor="right",
                yanchor="bottom",
                text=annotation_text,
                showarrow=False,
                bgcolor=kw.get("annotation_bgcolor", "rgba(255,255,255,0.8)"),
            )

    def _add_line(self, axis: str, at: Any, line: dict) -> None:
        """A line across the plot at `at` on `axis` (x: vertical, y: horizontal)."""
        other = "y" if axis == "x" else "x"
        self.layout.setdefault("shapes", []).append(
            {
                "type": "line",
                f"{axis}0": at,
                f"{axis}1": at,
                f"{axis}ref": axis,
                f"{other}0": 0,
                f"{other}1": 1,
                f"{other}ref": "paper",
                "line": line,
            }
        )

    @staticmethod
    def _line_end(axis: str, at: Any) -> dict[str, Any]:
        """Where a line's label goes: at `at` on `axis`, at the far end of the other axis."""
        other = "y" if axis == "x" else "x"
        return {axis: at, f"{axis}ref": axis, other: 1, f"{other}ref": "paper"}


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

# followup_on_time is a goal metric only (the follow-ups' on-time close rate, in percent).
_FORMATS = {
    "nps": "{:+.1f}",
    "csat": "{:.1f}%",
    "ces": "{:.2f}",
    "sentiment": "{:+.3f}",
    "followup_on_time": "{:.1f}%",
}
_DIFF_FORMATS = {
    "nps": "{:+.1f} pts",
    "csat": "{:+.1f} pts",
    "ces": "{:+.2f}",
    "sentiment": "{:+.3f}",
    "followup_on_time": "{:+.1f} pts",
}
METRIC_LABELS = {
    "nps": "NPS",
    "csat": "CSAT",
    "ces": "CES",
    "sentiment": "Sentiment",
    "followup_on_time": "Follow-ups closed on time",
}
METRIC_UNITS = {
    "nps": "points, -100 to 100",
    "csat": "% satisfied (4-5 of 5)",
    "ces": "mean, 1-7, higher is easier",
    "sentiment": "mean compound, -1 to 1",
    "followup_on_time": "% of follow-ups closed within their SLA",
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


def shorten(text: str, limit: int = 70) -> str:
    """`text` cut to at most `limit` characters, the last an ellipsis when it is cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width=width)) if text else ""


def apply_layout(
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
        # Room for usual tick labels from the start: automargin still grows a margin for longer
        # labels, but each growth redraws the whole graph, which cost more than the pixels.
        margin={"l": 110, "r": 16, "t": 52 + 16 * (lines.count("<br>") + 1), "b": 56},
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
    apply_layout(fig, title=title or "No data", height=260)
    fig.add_annotation(
        text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font_size=15
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


NO_MATCH = "No responses match these filters."
BAND_COLOUR = "rgba(0,114,178,0.18)"


def add_band(fig: Figure, x: list[Any], *, low: list[Any], high: list[Any]) -> None:
    """A shaded 95% band: an invisible upper line, then the lower line filled up to it."""
    line = {"mode": "lines", "line": {"width": 0}, "hoverinfo": "skip"}
    fig.add_trace(scatter(x=x, y=high, showlegend=False, **line))
    fig.add_trace(
        scatter(x=x, y=low, fill="tonexty", fillcolor=BAND_COLOUR, name="95% interval", **line)
    )


def error_bars(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """Asymmetric 95% error bars from each group's `err95` (below, above)."""
    return {
        "type": "data",
        "symmetric": False,
        "array": _errors(groups, 1),
        "arrayminus": _errors(groups, 0),
        "thickness": 2,
        "width": 4,
    }


def grid_figure(
    *,
    title: str,
    subtitle: str,
    colourbar: str,
    height: int = GRAPH_HEIGHT,
    wrap: int = 90,
    **trace: Any,
) -> Figure:
    """A heatmap of labelled cells (`text`), rows top to bottom, grey where a cell is empty."""
    fig = new_figure(
        heatmap(
            texttemplate="%{text}",
            colorbar={"title": {"text": colourbar}, "thickness": 12},
            xgap=2,
            ygap=2,
            **trace,
        )
    )
    apply_layout(fig, title=title, subtitle=subtitle, height=height, wrap=wrap)
    fig.update_layout(plot_bgcolor="#eef1f4")
    fig.update_yaxes(autorange="reversed")
    return fig


def sample_symbols(groups: list[dict[str, Any]]) -> list[str]:
    """Marker symbols per group: hollow for a small sample (`low_sample`), else filled."""
    return ["circle-open" if g.get("low_sample") else "circle" for g in groups]


def _errors(groups: list[dict[str, Any]], side: int) -> list[float | None]:
    return [g["err95"][side] if g.get("err95") else None for g in groups]


def score_hover(metric: str, group: dict[str, Any], name: str) -> str:
    """Hover text of a group's score: name, score, 95% interval, n, small-sample warning."""
    warning = "<br><i>small sample: not a finding</i>" if group.get("low_sample") else ""
    return (
        f"<b>{name}</b><br>{METRIC_LABELS.get(metric, metric)} {fmt(metric, group['score'])}"
        f"<br>95% CI {fmt_interval(metric, group.get('ci95'))}<br>n = {group['n']:,}{warning}"
    )
