"""Closed-loop follow-ups: rules, creation in the pipeline, lifecycle, access. Docs:
docs/followups.md.

- :mod:`.rules`: which responses a rule matches (`rule_q`, the one definition);
- :mod:`.creation`: notes written with the responses, `open_followups` consuming them;
- :mod:`.defaults`: the default rules and root causes (`ensure_defaults`).
"""

from .creation import (
    Evaluation,
    evaluate_responses,
    note_all_responses,
    note_responses,
    open_followups,
)
from .defaults import DEFAULT_ROOT_CAUSES, DEFAULT_RULES, ensure_defaults
from .rules import RuleSpec, active_rules, rule_q

__all__ = [
    "DEFAULT_ROOT_CAUSES",
    "DEFAULT_RULES",
    "Evaluation",
    "RuleSpec",
    "active_rules",
    "ensure_defaults",
    "evaluate_responses",
    "note_all_responses",
    "note_responses",
    "open_followups",
    "rule_q",
]
