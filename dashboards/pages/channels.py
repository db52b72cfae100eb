"""Channels: is the experience a patchwork? The chosen metric for every channel x department,
the spread between the best and worst channel, and which channel differences are real."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output, html

from cxmetrics.selectors.dashboards import (
    channel_consistency,
    channel_department_matrix,
    summary_filters,
)
from dashboards import components, figures

KEY = "channels"
PATH = "/channels"
NAME = "Channels"
DESCRIPTION = (
    "The same outcome across channels and departments. Differences between channels are tested "
    "pairwise with a Holm adjustment, so only real gaps are coloured."
)
EXTRAS = ("metric",)
PAIR_COLUMNS = [
    {"name": "Channel A", "id": "a"},
    {"name": "Channel B", "id": "b"},
    {"name": "A minus B", "id": "difference"},
    {"name": "p", "id": "p"},
    {"name": "Holm-adjusted p", "id": "p_adjusted"},
    {"name": "Significant", "id": "significant"},
]


def layout(**query):
    body = html.Div(
        [
            dbc.Row(
                [
                    components.panel(
                        components.graph("channels-matrix", height=420), width={"xs": 12, "xl": 7}
                    ),
                    components.panel(
                        components.graph("channels-consistency", height=420),
                        width={"xs": 12, "xl": 5},
                    ),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    components.panel(
                        components.graph("channels-pairwise", height=420),
                        width={"xs": 12, "xl": 6},
                    ),
                    components.panel(
                        html.H2("Every pair of channels", className="h6"),
                        components.table("channels-pairs", PAIR_COLUMNS, page_size=10),
                        width={"xs": 12, "xl": 6},
                    ),
                ],
                className="g-3",
            ),
        ]
    )
    return components.page_frame(
        KEY, title=NAME, description=DESCRIPTION, query=query, body=body, extras=EXTRAS
    )


def update_matrix(start, end, channel, department, handled_by, metric):
    """Callback: channel x department heatmap of the chosen metric."""
    filters = summary_filters(
        start=start, end=end, channels=channel, departments=department, handled_by=handled_by
    )
    return figures.matrix_figure(channel_department_matrix(metric=metric, filters=filters))


def update_consistency(start, end, channel, department, handled_by, metric):
    """Callback: spread figure, pairwise significance figure and the pairs table."""
    filters = summary_filters(
        start=start, end=end, channels=channel, departments=department, handled_by=handled_by
    )
    return figures.consistency_panel(channel_consistency(metric=metric, filters=filters))


def register_callbacks(app) -> None:
    inputs = components.filter_inputs(KEY, EXTRAS)
    app.callback(Output("channels-matrix", "figure"), *inputs)(update_matrix)
    app.callback(
        Output("channels-consistency", "figure"),
        Output("channels-pairwise", "figure"),
        Output("channels-pairs", "data"),
        *inputs,
    )(update_consistency)
