"""Celery tasks, one module per domain. Each task has an explicit name `cxmetrics.tasks.<name>`
(the beat schedule in settings.py refers to those names); tasks take primitives only and call
one service."""

from .followups import notify_followup_leads, open_followups
from .goals import evaluate_goal_alerts, snapshot_goals
from .pipeline import (
    rebuild_rollups,
    rebuild_yesterday,
    refresh_dirty_rollups,
    score_pending_sentiment,
    score_sentiment,
)
from .privacy import apply_retention
from .webhooks import deliver_webhooks
from .workers import record_heartbeat

__all__ = [
    "apply_retention",
    "deliver_webhooks",
    "evaluate_goal_alerts",
    "notify_followup_leads",
    "open_followups",
    "rebuild_rollups",
    "rebuild_yesterday",
    "record_heartbeat",
    "refresh_dirty_rollups",
    "score_pending_sentiment",
    "score_sentiment",
    "snapshot_goals",
]
