"""Follow-ups: the closed loop as a shared metric. Open and overdue follow-ups by owner
department, the on-time close rate over time with its 95% band, the root causes of the closed
ones, and recovery (customers whose next answer is no longer unhappy), each with its n."""

from __future__ import annotations

from dash import html

from cxmetrics.selectors.dashboards import followups_board
from dashboards import components, figures, frame

EXTRAS = ("grain",)


def body() -> html.Div:
    return html.Div(
        [
            components.graphs_row(("followups-open", 5), ("followups-on-time", 7)),
            components.graphs_row(("followups-causes", 5), ("followups-recovery", 7)),
        ]
    )


@frame.scoped
def update_followups(filters, grain):
    """Callback: the page's four figures from one read."""
    return figures.followups_panel(followups_board(filters=filters, grain=grain))


PAGE = frame.Page(
    key="followups",
    path="/followups",
    title="Follow-ups",
    short_title="Closed loop",  # the workspace has the "Follow-ups" queue
    description=(
        "Every unhappy answer becomes a follow-up owned by a department: how many are open and "
        "overdue, how often they close within their SLA (closed on time / opened, with its 95% "
        "interval), why customers were unhappy, and whether their next answer shows they "
        "recovered. Counted over follow-ups opened in the period."
    ),
    body=body,
    extras=EXTRAS,
    # It reads follow-ups, not the rollups: each figure says when there is none.
    needs_responses=False,
    views=(
        frame.View(
            update_followups,
            (
                "followups-open.figure",
                "followups-on-time.figure",
                "followups-causes.figure",
                "followups-recovery.figure",
            ),
            EXTRAS,
        ),
    ),
)
