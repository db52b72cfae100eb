"""The rules and root causes an organisation starts with, and the idempotent writer of both.

`DEFAULT_RULES` and `DEFAULT_ROOT_CAUSES` are plain data: migration 0013 writes them with the
migration's historical models, `ensure_defaults` with the live ones (demo_setup, tests); both
go through `write_defaults`, so the two can never disagree. A default is matched by name: one
an admin renamed, edited or deactivated is left alone, one deleted is created again only by
an explicit `ensure_defaults` call.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_ROOT_CAUSES", "DEFAULT_RULES", "ensure_defaults", "write_defaults"]

# Bands are inclusive and in each metric's own units (cxmetrics.scales.SCORE_RANGES). The
# sentiment rule reads Response.sentiment: a comment's VADER compound or a sent sentiment.
DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {"name": "NPS detractors (0-6)", "metric": "nps", "score_min": 0.0, "score_max": 6.0},
    {"name": "CSAT dissatisfied (1-2)", "metric": "csat", "score_min": 1.0, "score_max": 2.0},
    {"name": "CES high effort (1-3)", "metric": "ces", "score_min": 1.0, "score_max": 3.0},
    {
        "name": "Negative sentiment (-1 to -0.5)",
        "metric": "sentiment",
        "score_min": -1.0,
        "score_max": -0.5,
    },
)

DEFAULT_ROOT_CAUSES: tuple[str, ...] = (
    "Product defect",
    "Billing error",
    "Slow response",
    "Agent knowledge",
    "AI could not help",
    "Policy",
    "Delivery",
    "Other",
)


def write_defaults(rule_model: Any, cause_model: Any) -> int:
    """Create the default rules and root causes missing by name (48 h SLA, normal priority,
    7-day window: the models' defaults). Returns how many rows were created."""
    created = 0
    for values in DEFAULT_RULES:
        _, new = rule_model.objects.get_or_create(name=values["name"], defaults=values)
        created += new
    for name in DEFAULT_ROOT_CAUSES:
        _, new = cause_model.objects.get_or_create(name=name)
        created += new
    return created


def ensure_defaults() -> int:
    """`write_defaults` with the live models; idempotent."""
    from cxmetrics.models import FollowUpRule, RootCause

    return write_defaults(FollowUpRule, RootCause)
