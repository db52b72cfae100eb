"""Incentives: the departments x shared goals matrix with weights, each plan's attainment and
projected payout, each component's payout curve with "you are here", the alignment share, the
components still pending and why each pays what it pays; links to the department scorecards."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from cxmetrics.selectors.dashboards import incentives_board, summary_filters
from dashboards import components, figures, frame

SCORECARDS_HREF = "/scorecards/"
PLAN_COLUMNS = [
    {"name": "Plan", "id": "plan"},
    {"name": "Department", "id": "department"},
    {"name": "Period", "id": "period"},
    {"name": "Earned so far", "id": "earned"},
    {"name": "Paid", "id": "paid"},
    {"name": "Projected", "id": "projected"},
    {"name": "Pending components", "id": "pending"},
    {"name": "Target bonus", "id": "bonus"},
    {"name": "Earned so far (money)", "id": "earned_money"},
    {"name": "Paid (money)", "id": "paid_money"},
    {"name": "Projected (money)", "id": "projected_money"},
]
COMPONENT_COLUMNS = [
    {"name": "Plan", "id": "plan"},
    {"name": "Goal", "id": "goal"},
    {"name": "Weight %", "id": "weight"},
    {"name": "Measured", "id": "measured"},
    {"name": "95% low", "id": "low"},
    {"name": "n", "id": "n"},
    {"name": "Payout", "id": "payout"},
    {"name": "Of the plan", "id": "earns"},
    {"name": "Money", "id": "money"},
    {"name": "Status", "id": "status"},
    {"name": "Why", "id": "why"},
]


def body() -> html.Div:
    return html.Div(
        [
            html.Nav(
                id="incentives-scorecards",
                className="cx-scorecard-links small mb-3",
                **{"aria-label": "Department scorecards"},
            ),
            components.graphs_row(
                ("incentives-matrix", 8), ("incentives-alignment", 4), height=400
            ),
            dbc.Row(
                [
                    components.panel(
                        components.graph("incentives-attainment", height=420),
                        width={"xs": 12, "xl": 6},
                    ),
                    components.panel(
                        html.Label(
                            "Payout curve of",
                            className="form-label small text-muted mb-1",
                        ),
                        dcc.Dropdown(
                            id="incentives-curve-component",
                            clearable=False,
                            placeholder="Choose a plan component",
                            className="mb-2",
                        ),
                        components.graph("incentives-curve", height=420),
                        width={"xs": 12, "xl": 6},
                    ),
                ],
                className="g-3",
            ),
            dbc.Row(components.table_panel("Plans", "incentives-plans"), className="g-3"),
            dbc.Row(
                components.table_panel("Plan components (pending first)", "incentives-components"),
                className="g-3",
            ),
        ]
    )


def scorecard_links(departments: list[dict[str, Any]]) -> list[Any]:
    """ "Department scorecards:" then a link per department and "All scorecards"."""
    links: list[Any] = [html.Span("Department scorecards: ", className="text-muted")]
    for department in departments:
        links += [
            html.A(department["name"], href=f"{SCORECARDS_HREF}{department['department']}"),
            " · ",
        ]
    return [*links, html.A("All scorecards", href=SCORECARDS_HREF, className="fw-semibold")]


def update_incentives(department, as_of, component):
    """Callback: alignment matrix and share, plan attainment, plans and components tables, the
    payout curve chooser and the chosen curve, the scorecard links (one round trip; choosing
    another curve re-reads the page)."""
    filters = summary_filters(departments=department, end=as_of)
    board = incentives_board(
        as_of=filters.end, departments=filters.departments, component=component
    )
    matrix, alignment, attainment, plans, parts, options, chosen, curve = figures.incentives_panel(
        board
    )
    return (
        matrix,
        alignment,
        attainment,
        components.table_data(PLAN_COLUMNS, plans),
        components.table_data(COMPONENT_COLUMNS, parts),
        options,
        chosen,
        curve,
        scorecard_links(board["alignment"]["departments"]),
    )


PAGE = frame.Page(
    key="incentives",
    path="/incentives",
    title="Incentives",
    description=(
        "Departments paid on the same customer outcomes pull together. Payouts are gated on the "
        "lower bound of the 95% interval where a plan says so; a component without enough "
        "responses is pending, never silently paid at 0 or 100. While a period is open its "
        "payouts are earned so far; only a closed period's statement has paid."
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
                "incentives-curve-component.options",
                "incentives-curve-component.value",
                "incentives-curve.figure",
                "incentives-scorecards.children",
            ),
            extras=("as_of",),
            inputs=("incentives-curve-component.value",),
        ),
    ),
)
