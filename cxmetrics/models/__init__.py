"""cxmetrics tables. Split by domain; every name is re-exported here."""

from .choices import SCORE_RANGES, HandledBy, Metric, Role, SourceKind
from .days import DayZone
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
    "REMOVED_COMMENT",
    "SCORE_RANGES",
    "ApiKey",
    "Channel",
    "DailyRollup",
    "DayZone",
    "DeliveryStatus",
    "Department",
    "DirtyBucket",
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
    "PayoutStatement",
    "PlanComponent",
    "PrivacyEvent",
    "Response",
    "Role",
    "RollupDelta",
    "SkippedComment",
    "Source",
    "SourceKind",
    "TaskAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WorkerHeartbeat",
    "hash_api_key",
]
