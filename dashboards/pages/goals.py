"""Shared goals: each goal's progress against its trajectory, its status, the departments
that take part, and its history."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from cxmetrics.selectors.dashboards import goals_page, summary_filters
from dashboards import components, figures, frame
from dashboards.context import current_user

GOAL_COLUMNS = [
    {"name": "Goal", "id": "goal"},
    {"name": "Metric", "id": "metric"},
    {"name": "Status", "id": "status"},
    {"name": "Value", "id": "value"},
    {"name": "95% interval", "id": "ci95"},
    {"name": "n", "id": "n"},
    {"name": "Expected now", "id": "expected"},
    {"name": "Target", "id": "target"},
    {"name": "Departments", "id": "departments"},
    {"name": "Shared", "id": "shared"},
    {"name": "Period", "id": "period"},
    {"name": "Owner", "id": "owner"},
]


def body() -> html.Div:
    return html.Div(
        [
            components.graphs_row(("goals-progress", 12), height=None),
            dbc.Row(components.table_panel("Goals", "goals-table")),
            dbc.Row(
                components.panel(
                    html.Label("History of", className="form-label small text-muted mb-1"),
                    dcc.Dropdown(
                        id="goals-history-goal",
                        clearable=False,
                        placeholder="Choose a goal",
                        className="mb-2",
                    ),
                    components.graph("goals-history", height=400),
                )
            ),
        ]
    )


def update_goals(department, as_of, goal_id):
    """Callback: progress figure, goals table, history choices and the chosen goal's history
    (one round trip; choosing another goal re-reads the page)."""
    filters = summary_filters(departments=department, end=as_of)
    page = goals_page(
        as_of=filters.end, user=current_user(), departments=filters.departments, goal_id=goal_id
    )
    progress, rows, options, chosen, history = figures.goals_panel(page)
    return progress, components.table_data(GOAL_COLUMNS, rows), options, chosen, history


PAGE = frame.Page(
    key="goals",
    path="/goals",
    title="Shared goals",
    description=(
        "Goals several departments share, measured on the same customer outcomes: where each goal "
        "is, where it should be by now on a straight path from baseline to target, and its status."
    ),
    body=body,
    **frame.GOAL_FILTERS,
    views=(
        frame.View(
            update_goals,
            (
                "goals-progress.figure",
                "goals-table.data",
                "goals-history-goal.options",
                "goals-history-goal.value",
                "goals-history.figure",
            ),
            extras=("as_of",),
            inputs=("goals-history-goal.value",),
        ),
    ),
)
