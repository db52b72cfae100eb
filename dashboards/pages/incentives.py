"""Incentives: the departments x shared goals matrix with weights, each plan's attainment and
projected payout, the alignment share, and the components still pending."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cxmetrics.selectors.dashboards import incentives_board, summary_filters
from dashboards import components, figures, frame

PLAN_COLUMNS = [
    {"name": "Plan", "id": "plan"},
    {"name": "Department", "id": "department"},
    {"name": "Period", "id": "period"},
    {"name": "Paid so far", "id": "paid"},
    {"name": "Total", "id": "total"},
    {"name": "Projected", "id": "projected"},
    {"name": "Pending components", "id": "pending"},
    {"name": "Source", "id": "source"},
]
COMPONENT_COLUMNS = [
    {"name": "Plan", "id": "plan"},
    {"name": "Goal", "id": "goal"},
    {"name": "Weight %", "id": "weight"},
    {"name": "Measured", "id": "measured"},
    {"name": "95% low", "id": "low"},
    {"name": "n", "id": "n"},
    {"name": "Payout", "id": "payout"},
    {"name": "Status", "id": "status"},
]


def body() -> html.Div:
    return html.Div(
        [
            components.graphs_row(
                ("incentives-matrix", 8), ("incentives-alignment", 4), height=400
            ),
            dbc.Row(
                [
                    components.panel(
                        components.graph("incentives-attainment", height=400),
                        width={"xs": 12, "xl": 6},
                    ),
                    components.table_panel("Plans", "incentives-plans", xl=6),
                ],
                className="g-3",
            ),
            dbc.Row(
                components.table_panel("Plan components (pending first)", "incentives-components"),
                className="g-3",
            ),
        ]
    )


def update_incentives(department, as_of):
    """Callback: alignment matrix and share, plan attainment, plans and components tables."""
    filters = summary_filters(departments=department, end=as_of)
    matrix, alignment, attainment, plans, parts = figures.incentives_panel(
        incentives_board(as_of=filters.end, departments=filters.departments)
    )
    return (
        matrix,
        alignment,
        attainment,
        components.table_data(PLAN_COLUMNS, plans),
        components.table_data(COMPONENT_COLUMNS, parts),
    )


PAGE = frame.Page(
    key="incentives",
    path="/incentives",
    title="Incentives",
    description=(
        "Departments paid on the same customer outcomes pull together. Payouts are gated on the "
        "lower bound of the 95% interval where a plan says so; a component without enough "
        "responses is pending, never silently paid at 0 or 100."
    ),
    body=body,
    **frame.GOAL_FILTERS,
    views=(
        frame.View(
            update_incentives,
            (
                "incentives-matrix.figure",
                "incentives-alignment.figure",
                "incentives-attainment.figure",
                "incentives-plans.data",
                "incentives-components.data",
            ),
            extras=("as_of",),
        ),
    ),
)
