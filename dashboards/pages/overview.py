"""Overview: the four outcomes with n, 95% interval and change vs the previous period; the
chosen metric's trend with its band, and its breakdown by channel."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from cxmetrics.selectors.dashboards import (
    metric_breakdown,
    metric_trend,
    overview_cards,
    summary_filters,
)
from dashboards import components, figures

KEY = "overview"
PATH = "/"
NAME = "Overview"
DESCRIPTION = (
    "Customer outcomes every department is paid on: NPS, CSAT, CES and sentiment, each with its "
    "sample size, 95% interval and change against the previous period of equal length."
)
EXTRAS = ("metric", "grain")


def layout(**query):
    body = html.Div(
        [
            dcc.Loading(dbc.Row(id="overview-cards"), type="default", delay_show=250),
            dbc.Row(
                [
                    components.panel(components.graph("overview-trend"), width={"xs": 12, "xl": 7}),
                    components.panel(
                        components.graph("overview-breakdown"), width={"xs": 12, "xl": 5}
                    ),
                ],
                className="g-3",
            ),
        ]
    )
    return components.page_frame(
        KEY, title=NAME, description=DESCRIPTION, query=query, body=body, extras=EXTRAS
    )


def update_cards(start, end, channel, department, handled_by):
    """Callback: the four KPI cards."""
    filters = summary_filters(
        start=start, end=end, channels=channel, departments=department, handled_by=handled_by
    )
    return components.kpi_cards(overview_cards(filters=filters))


def update_trend(start, end, channel, department, handled_by, metric, grain):
    """Callback: the chosen metric per day, week or month with its 95% band."""
    filters = summary_filters(
        start=start, end=end, channels=channel, departments=department, handled_by=handled_by
    )
    return figures.trend_figure(metric_trend(metric=metric, filters=filters, grain=grain))


def update_breakdown(start, end, channel, department, handled_by, metric, grain):
    """Callback: the chosen metric by channel with intervals and the overall line."""
    filters = summary_filters(
        start=start, end=end, channels=channel, departments=department, handled_by=handled_by
    )
    return figures.breakdown_figure(metric_breakdown(metric=metric, filters=filters, by="channel"))


def register_callbacks(app) -> None:
    inputs = components.filter_inputs(KEY, EXTRAS)
    app.callback(Output("overview-cards", "children"), *components.filter_inputs(KEY))(update_cards)
    app.callback(Output("overview-trend", "figure"), *inputs)(update_trend)
    app.callback(Output("overview-breakdown", "figure"), *inputs)(update_breakdown)
