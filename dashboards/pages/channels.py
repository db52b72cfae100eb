"""Channels: is the experience a patchwork? The chosen metric for every channel x department,
the spread between the best and worst channel, and which channel differences are real."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cxmetrics.selectors.dashboards import (
    channel_consistency,
    channel_department_matrix,
)
from dashboards import components, figures, frame

EXTRAS = ("metric",)
PAIR_COLUMNS = [
    {"name": "Channel A", "id": "a"},
    {"name": "Channel B", "id": "b"},
    {"name": "A minus B", "id": "difference"},
    {"name": "p", "id": "p"},
    {"name": "Holm-adjusted p", "id": "p_adjusted"},
    {"name": "Significant", "id": "significant"},
]


def body() -> html.Div:
    return html.Div(
        [
            components.graphs_row(("channels-matrix", 7), ("channels-consistency", 5), height=420),
            dbc.Row(
                [
                    components.panel(
                        components.graph("channels-pairwise", height=420),
                        width={"xs": 12, "xl": 6},
                    ),
                    components.table_panel("Every pair of channels", "channels-pairs", xl=6),
                ],
                className="g-3",
            ),
        ]
    )


@frame.scoped
def update_matrix(filters, metric):
    """Callback: channel x department heatmap of the chosen metric."""
    return figures.matrix_figure(channel_department_matrix(metric=metric, filters=filters))


@frame.scoped
def update_consistency(filters, metric):
    """Callback: spread figure, pairwise significance figure and the pairs table."""
    spread, pairwise, rows = figures.consistency_panel(
        channel_consistency(metric=metric, filters=filters)
    )
    return spread, pairwise, components.table_data(PAIR_COLUMNS, rows)


PAGE = frame.Page(
    key="channels",
    path="/channels",
    title="Channels",
    description=(
        "The same outcome across channels and departments. Differences between channels are tested "
        "pairwise with a Holm adjustment, so only real gaps are coloured."
    ),
    body=body,
    extras=EXTRAS,
    views=(
        frame.View(update_matrix, ("channels-matrix.figure",), EXTRAS),
        frame.View(
            update_consistency,
            ("channels-consistency.figure", "channels-pairwise.figure", "channels-pairs.data"),
            EXTRAS,
        ),
    ),
)
