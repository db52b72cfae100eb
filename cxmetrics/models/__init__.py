"""cxmetrics tables. Split by domain; every name is re-exported here."""

from .choices import SCORE_RANGES, HandledBy, Metric, Role, SourceKind
from .days import DayZone
from .followups import (
    PRIORITY_RANK,
    FollowUp,
    FollowUpLink,
    FollowUpNote,
    FollowUpRule,
    FollowUpStatus,
    Outcome,
    Priority,
    RootCause,
    on_time_q,
    overdue_q,
)
from .goals import (
    Goal,
    GoalInvitation,
    GoalSnapshot,
    GoalStatus,
    IncentivePlan,
    InvitationStatus,
    PayoutStatement,
    PlanComponent,
)
from .notifications import NotificationLog, NotifiedItem
from .org import ApiKey, Channel, Department, Source, hash_api_key
from .privacy import REMOVED_COMMENT, PrivacyEvent
from .responses import (
    BUCKET_FIELDS,
    BUCKET_KEY,
    COUNT_FIELDS,
    DailyRollup,
    DirtyBucket,
    NewRows,
    Response,
    RollupDelta,
)
from .webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .workers import SkippedComment, TaskAttempt, WorkerHeartbeat

__all__ = [
    "BUCKET_FIELDS",
    "BUCKET_KEY",
    "COUNT_FIELDS",
    "PRIORITY_RANK",
    "REMOVED_COMMENT",
    "SCORE_RANGES",
    "ApiKey",
    "Channel",
    "DailyRollup",
    "DayZone",
    "DeliveryStatus",
    "Department",
    "DirtyBucket",
    "FollowUp",
    "FollowUpLink",
    "FollowUpNote",
    "FollowUpRule",
    "FollowUpStatus",
    "Goal",
    "GoalInvitation",
    "GoalSnapshot",
    "GoalStatus",
    "HandledBy",
    "IncentivePlan",
    "InvitationStatus",
    "Metric",
    "NewRows",
    "NotificationLog",
    "NotifiedItem",
    "Outcome",
    "PayoutStatement",
    "PlanComponent",
    "Priority",
    "PrivacyEvent",
    "Response",
    "Role",
    "RollupDelta",
    "RootCause",
    "SkippedComment",
    "Source",
    "SourceKind",
    "TaskAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WorkerHeartbeat",
    "hash_api_key",
    "on_time_q",
    "overdue_q",
]
