"""cxmetrics tables. Split by domain; every name is re-exported here."""

from .choices import SCORE_RANGES, HandledBy, Metric, Role, SourceKind
from .days import DayZone
from .goals import Goal, GoalSnapshot, GoalStatus, IncentivePlan, PayoutStatement, PlanComponent
from .org import ApiKey, Channel, Department, Source, hash_api_key
from .responses import DailyRollup, DirtyBucket, NewRows, Response, RollupDelta

__all__ = [
    "SCORE_RANGES",
    "ApiKey",
    "Channel",
    "DailyRollup",
    "DayZone",
    "Department",
    "DirtyBucket",
    "Goal",
    "GoalSnapshot",
    "GoalStatus",
    "HandledBy",
    "IncentivePlan",
    "Metric",
    "NewRows",
    "PayoutStatement",
    "PlanComponent",
    "Response",
    "Role",
    "RollupDelta",
    "Source",
    "SourceKind",
    "hash_api_key",
]
