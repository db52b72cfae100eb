"""Overview: the four outcomes with n, 95% interval and change vs the previous period; the
chosen metric's trend with its band, and its breakdown by channel."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cxmetrics.selectors.dashboards import (
    metric_breakdown,
    metric_trend,
    overview_cards,
)
from dashboards import components, figures, frame

EXTRAS = ("metric", "grain")


def body() -> html.Div:
    return html.Div(
        [
            components.loading(dbc.Row(id="overview-cards")),
            components.graphs_row(("overview-trend", 7), ("overview-breakdown", 5)),
        ]
    )


@frame.scoped
def update_cards(filters):
    """Callback: the four KPI cards."""
    return components.kpi_cards(overview_cards(filters=filters))


@frame.scoped
def update_trend(filters, metric, grain):
    """Callback: the chosen metric per day, week or month with its 95% band."""
    return figures.trend_figure(metric_trend(metric=metric, filters=filters, grain=grain))


@frame.scoped
def update_breakdown(filters, metric, grain):
    """Callback: the chosen metric by channel with intervals and the overall line."""
    return figures.breakdown_figure(metric_breakdown(metric=metric, filters=filters, by="channel"))


PAGE = frame.Page(
    key="overview",
    path="/",
    title="Overview",
    description=(
        "Customer outcomes every department is paid on: NPS, CSAT, CES and sentiment, each "
        "with its sample size, 95% interval and change against the previous period of equal "
        "length."
    ),
    body=body,
    extras=EXTRAS,
    views=(
        frame.View(update_cards, ("overview-cards.children",)),
        frame.View(update_trend, ("overview-trend.figure",), EXTRAS),
        frame.View(update_breakdown, ("overview-breakdown.figure",), EXTRAS),
    ),
)
