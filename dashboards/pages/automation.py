"""Automation and empathy: outcomes when AI, a human, or AI then a human handled the
interaction, per channel with intervals; how often AI escalates to a human; and a flag wherever
AI-handled outcomes are significantly worse than human-handled ones (over-automation risk)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cxmetrics.selectors.dashboards import (
    automation_comparison,
    escalation_share,
)
from dashboards import components, figures, frame

EXTRAS = ("metric",)
OUTCOME_COLUMNS = [
    {"name": "Channel", "id": "channel"},
    {"name": "Handled by", "id": "handled_by"},
    {"name": "Score", "id": "score"},
    {"name": "n", "id": "n"},
    {"name": "95% interval", "id": "ci95"},
    {"name": "vs human", "id": "vs_human"},
    {"name": "Holm-adjusted p", "id": "p_adjusted"},
    {"name": "Over-automation risk", "id": "risk"},
]


def body() -> html.Div:
    return html.Div(
        [
            html.Div(id="automation-flags"),
            components.graphs_row(
                ("automation-outcomes", 8), ("automation-escalation", 4), height=440
            ),
            dbc.Row(
                components.table_panel("Outcomes by channel and handler", "automation-table"),
                className="g-3",
            ),
        ]
    )


@frame.scoped
def update_outcomes(filters, metric):
    """Callback: outcomes by handler per channel, the risk flags and the table."""
    figure, flags, rows = components.automation_panel(
        automation_comparison(metric=metric, filters=filters)
    )
    return figure, flags, components.table_data(OUTCOME_COLUMNS, rows)


@frame.scoped
def update_escalation(filters):
    """Callback: share of AI-handled responses escalated to a human, per channel."""
    return figures.escalation_figure(escalation_share(filters=filters))


PAGE = frame.Page(
    key="automation",
    path="/automation",
    title="Automation & empathy",
    short_title="Automation",
    description=(
        "Who handled the interaction, and what it did to the outcome. A channel is flagged when "
        "AI-handled outcomes are significantly worse than human-handled ones (Holm-adjusted over "
        "channels): a risk of over-automation."
    ),
    body=body,
    extras=EXTRAS,
    views=(
        frame.View(
            update_outcomes,
            (
                "automation-outcomes.figure",
                "automation-flags.children",
                "automation-table.data",
            ),
            EXTRAS,
        ),
        frame.View(update_escalation, ("automation-escalation.figure",)),
    ),
)
