"""Writes for shared goals and incentive plans.

Verbs with keyword-only arguments. Every write records who did it (``actor``) in the audit
history (django-simple-history). Bad values raise :class:`InvalidInput` with field-level
messages (:mod:`.validation`); writes refused because of an object's state (a closed plan, a
goal still paid on) raise :class:`StateConflict`; writes the actor's role does not allow raise
:class:`NotAllowed` (rules in :mod:`.access`, checked on the object as stored and as it will
be, so every caller, API or form, gets the same answer). Order: the object as stored, then
field errors, then the object as it will be. ``trusted=True`` skips the role checks for
callers that are not a person acting (demo seeding, an operator's management command): the
actor is then only recorded.

- :mod:`.goals`: create, update, archive and delete goals;
- :mod:`.participation`: departments invited to a goal, accepting or declining;
- :mod:`.plans`: create, update, delete and close incentive plans;
- :mod:`.snapshots`: the daily progress history of goals.

Callers import from this package; alerts live in :mod:`cxmetrics.services.goal_alerts`.
"""

from .access import (
    NotAllowed,
    check_close,
    check_goal,
    check_goal_before,
    check_plan,
    check_plan_before,
)
from .goals import archive_goal, create_goal, delete_goal, update_goal
from .participation import (
    accept_invitation,
    check_answer,
    decline_invitation,
    invite,
    split_participants,
)
from .plans import PLAN_FIELDS, close_period, create_plan, delete_plan, update_plan
from .records import GOAL_FIELDS, GOAL_M2M, StateConflict
from .snapshots import snapshot_goals
from .validation import METRIC_RANGES, ComponentIn, InvalidInput, goal_errors, plan_errors

__all__ = [
    "GOAL_FIELDS",
    "GOAL_M2M",
    "METRIC_RANGES",
    "PLAN_FIELDS",
    "ComponentIn",
    "InvalidInput",
    "NotAllowed",
    "StateConflict",
    "accept_invitation",
    "archive_goal",
    "check_answer",
    "check_close",
    "check_goal",
    "check_goal_before",
    "check_plan",
    "check_plan_before",
    "close_period",
    "create_goal",
    "create_plan",
    "decline_invitation",
    "delete_goal",
    "delete_plan",
    "goal_errors",
    "invite",
    "plan_errors",
    "snapshot_goals",
    "split_participants",
    "update_goal",
    "update_plan",
]
