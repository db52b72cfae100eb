"""Reads for the Dash dashboards: filters, outcomes, channels, automation, voice, goals,
incentives, follow-ups.

Figures come from the daily rollups (through `cxmetrics.selectors.summary`); only the voice of
the customer reads Response rows, always with a limit. Every function returns plain data.
"""

from .automation import automation_comparison, escalation_share
from .filters import (
    DashboardQuery,
    default_period,
    filter_options,
    has_responses,
    parse_dashboard_query,
    previous_period,
    summary_filters,
)
from .followups import followups_board
from .goals import goal_timeline, goals_board, goals_page
from .incentives import incentives_board
from .outcomes import (
    channel_consistency,
    channel_department_matrix,
    metric_breakdown,
    metric_trend,
    overview_cards,
)
from .stats import holm
from .voice import negative_themes, recent_comments

__all__ = [
    "DashboardQuery",
    "automation_comparison",
    "channel_consistency",
    "channel_department_matrix",
    "default_period",
    "escalation_share",
    "filter_options",
    "followups_board",
    "goal_timeline",
    "goals_board",
    "goals_page",
    "has_responses",
    "holm",
    "incentives_board",
    "metric_breakdown",
    "metric_trend",
    "negative_themes",
    "overview_cards",
    "parse_dashboard_query",
    "previous_period",
    "recent_comments",
    "summary_filters",
]
