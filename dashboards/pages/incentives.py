"""Incentives: the departments x shared goals matrix with weights, each plan's attainment and
projected payout, the alignment share, and the components still pending."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Output, html

from cxmetrics.selectors.dashboards import incentives_board, summary_filters
from dashboards import components, figures

KEY = "incentives"
PATH = "/incentives"
NAME = "Incentives"
DESCRIPTION = (
    "Departments paid on the same customer outcomes pull together. Payouts are gated on the "
    "lower bound of the 95% interval where a plan says so; a component without enough "
    "responses is pending, never silently paid at 0 or 100."
)
SHARED = ("department",)
EXTRAS = ("as_of",)
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


def layout(**query):
    body = html.Div(
        [
            dbc.Row(
                [
                    components.panel(
                        components.graph("incentives-matrix", height=400),
                        width={"xs": 12, "xl": 8},
                    ),
                    components.panel(
                        components.graph("incentives-alignment", height=400),
                        width={"xs": 12, "xl": 4},
                    ),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    components.panel(
                        components.graph("incentives-attainment", height=400),
                        width={"xs": 12, "xl": 6},
                    ),
                    components.panel(
                        html.H2("Plans", className="h6"),
                        components.table("incentives-plans", PLAN_COLUMNS, page_size=8),
                        width={"xs": 12, "xl": 6},
                    ),
                ],
                className="g-3",
            ),
            dbc.Row(
                components.panel(
                    html.H2("Plan components (pending first)", className="h6"),
                    components.table("incentives-components", COMPONENT_COLUMNS, page_size=10),
                ),
                className="g-3",
            ),
        ]
    )
    return components.page_frame(
        KEY,
        title=NAME,
        description=DESCRIPTION,
        query=query,
        body=body,
        extras=EXTRAS,
        shared=SHARED,
        needs_responses=False,
    )


def update_incentives(department, as_of):
    """Callback: alignment matrix and share, plan attainment, plans and components tables."""
    filters = summary_filters(departments=department, end=as_of)
    return figures.incentives_panel(
        incentives_board(as_of=filters.end, departments=filters.departments)
    )


def register_callbacks(app) -> None:
    app.callback(
        Output("incentives-matrix", "figure"),
        Output("incentives-alignment", "figure"),
        Output("incentives-attainment", "figure"),
        Output("incentives-plans", "data"),
        Output("incentives-components", "data"),
        *components.filter_inputs(KEY, EXTRAS, shared=SHARED),
    )(update_incentives)
