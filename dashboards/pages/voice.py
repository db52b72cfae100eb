"""Voice of the customer: their own words (redacted), most negative first, with score, channel
and who handled it; and the most frequent themes of negative comments in the period."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cxmetrics.selectors.dashboards import negative_themes, recent_comments
from dashboards import components, figures, frame

EXTRAS = ("metric", "sentiment")
COMMENT_COLUMNS = [
    {"name": "Day", "id": "day"},
    {"name": "Channel", "id": "channel"},
    {"name": "Department", "id": "department"},
    {"name": "Handled by", "id": "handled_by"},
    {"name": "Agent", "id": "agent"},
    {"name": "Metric", "id": "metric"},
    {"name": "Score", "id": "score", "type": "numeric"},
    {"name": "Sentiment", "id": "sentiment", "type": "numeric"},
    {"name": "Comment", "id": "comment"},
]


def body() -> html.Div:
    return html.Div(
        [
            components.graphs_row(("voice-themes", 12), height=420),
            dbc.Row(
                components.panel(
                    html.H2("Comments, most negative first", className="h6"),
                    html.Div(id="voice-caption", className="small text-muted mb-2"),
                    components.table("voice-comments"),
                ),
                className="g-3",
            ),
        ]
    )


@frame.scoped
def update_comments(filters, metric, sentiment):
    """Callback: the comments table and its caption (how many of how many)."""
    data = recent_comments(filters=filters, metric=metric or None, sentiment=sentiment or None)
    rows, caption = components.comments_panel(data)
    return components.table_data(COMMENT_COLUMNS, rows), caption


@frame.scoped
def update_themes(filters, metric, sentiment):
    """Callback: the most frequent themes of negative comments."""
    return figures.themes_figure(negative_themes(filters=filters, metric=metric or None))


PAGE = frame.Page(
    key="voice",
    path="/voice",
    title="Voice of the customer",
    short_title="Voice",
    description=(
        "What customers wrote, most negative first. Personal data (e-mails, phone and card "
        "numbers) is masked. Themes count how many negative comments mention each word or "
        "phrase."
    ),
    body=body,
    extras=EXTRAS,
    defaults={"metric": None},  # all metrics unless the address names one
    views=(
        frame.View(update_comments, ("voice-comments.data", "voice-caption.children"), EXTRAS),
        frame.View(update_themes, ("voice-themes.figure",), EXTRAS),
    ),
)
