"""Closed-loop follow-ups: rules, creation in the pipeline, lifecycle, access. Docs:
docs/followups.md. Callers import from this package.

- :mod:`.rules`: which responses a rule matches (`rule_q`, the one definition);
- :mod:`.creation`: notes written with the responses, `open_followups` consuming them;
- :mod:`.lifecycle`: `update_followup`, the one write of a follow-up (status, outcome, root
  cause, assignee, note, department), audited;
- :mod:`.rule_writes`: create, update and delete rules;
- :mod:`.root_causes`: add, rename and (de)activate root causes (admins);
- :mod:`.access`: who reads and changes which follow-up and rule;
- :mod:`.defaults`: the default rules and root causes (`ensure_defaults`);
- :mod:`.events`: the webhook events `followup.opened` and `followup.closed` of a rule's
  endpoint;
- :mod:`.notifications`: `notify_leads`, the batched e-mail of new and overdue follow-ups.

Errors are the goals services' own, so callers answer alike: `InvalidInput` (field
messages, 400), `NotAllowed` (role, 403), `StateConflict` (409).
"""

from cxmetrics.services.goals import InvalidInput, NotAllowed, StateConflict

from .access import (
    api_key_source_id,
    assignable_people,
    can_change_followups,
    can_read_followups,
    can_read_rules,
    check_followup_after,
    check_followup_before,
    check_rule,
    check_rule_before,
    may_be_assigned,
    visible_followups,
)
from .creation import (
    Evaluation,
    evaluate_responses,
    note_all_responses,
    note_responses,
    open_followups,
)
from .defaults import DEFAULT_ROOT_CAUSES, DEFAULT_RULES, ensure_defaults
from .events import queue_closed, queue_opened
from .lifecycle import FOLLOWUP_FIELDS, STATUS_ORDER, update_followup
from .notifications import LeadsNotified, notify_leads
from .root_causes import create_root_cause, update_root_cause
from .rule_writes import RULE_FIELDS, RULE_M2M, create_rule, delete_rule, rule_errors, update_rule
from .rules import RuleSpec, active_rules, rule_q

__all__ = [
    "DEFAULT_ROOT_CAUSES",
    "DEFAULT_RULES",
    "FOLLOWUP_FIELDS",
    "RULE_FIELDS",
    "RULE_M2M",
    "STATUS_ORDER",
    "Evaluation",
    "InvalidInput",
    "LeadsNotified",
    "NotAllowed",
    "RuleSpec",
    "StateConflict",
    "active_rules",
    "api_key_source_id",
    "assignable_people",
    "can_change_followups",
    "can_read_followups",
    "can_read_rules",
    "check_followup_after",
    "check_followup_before",
    "check_rule",
    "check_rule_before",
    "create_root_cause",
    "create_rule",
    "delete_rule",
    "ensure_defaults",
    "evaluate_responses",
    "may_be_assigned",
    "note_all_responses",
    "note_responses",
    "notify_leads",
    "open_followups",
    "queue_closed",
    "queue_opened",
    "rule_errors",
    "rule_q",
    "update_followup",
    "update_root_cause",
    "update_rule",
    "visible_followups",
]
