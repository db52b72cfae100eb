"""Example requests and answers of the goals endpoints, shown in /api/docs/ (drf-spectacular
`OpenApiExample` values; the views build the real answers)."""

from __future__ import annotations

from typing import Any

GOAL_CREATE: dict[str, Any] = {
    "name": "NPS >= 45 across all channels by Q4",
    "metric": "nps",
    "baseline": 30,
    "target": 45,
    "stretch": 55,
    "start": "2026-09-01",
    "end": "2026-12-31",
    "departments": ["support", "product", "stores"],
}

GOAL_RAISE_TARGET = {"target": 48}

# The goal as answered after Product's lead accepted (Stores has not answered yet).
GOAL_ACCEPTED: dict[str, Any] = {
    "id": 1,
    **GOAL_CREATE,
    "description": "",
    "scope_channels": [],
    "scope_departments": [],
    "scope_handled_by": [],
    "owner": "lead",
    "departments": ["product", "support"],
    "invited_departments": ["stores"],
    "declined_departments": [],
    "archived": False,
    "min_n": 30,
    "shared": True,
    "last_alerted_status": "",
    "created_at": "2026-08-28T09:00:00Z",
    "updated_at": "2026-08-29T14:10:00Z",
}

PLAN_CREATE: dict[str, Any] = {
    "name": "Support H2 incentive",
    "department": "support",
    "period_start": "2026-07-01",
    "period_end": "2026-12-31",
    "components": [
        {"goal": 1, "weight": 60, "threshold": 20, "target": 40, "stretch": 60},
        {"goal": 2, "weight": 40, "threshold": 70, "target": 80, "stretch": 90},
    ],
}

PROGRESS = {
    "goal_id": 1,
    "name": "NPS >= 45 across all channels by Q4",
    "metric": "nps",
    "as_of": "2026-11-27",
    "start": "2026-09-01",
    "end": "2026-12-31",
    "window_end": "2026-11-27",
    "baseline": 30.0,
    "target": 45.0,
    "stretch": 55.0,
    "min_n": 30,
    "value": 38.2,
    "n": 4210,
    "low": 35.9,
    "high": 40.5,
    "expected": 40.1,
    "status": "at_risk",
    "progress_pct": 54.7,
    "owner": "lead",
    "shared": True,
    "departments": ["product", "stores", "support"],
    "department_names": ["Product", "Stores", "Support"],
    "scope": {"channels": [], "departments": [], "handled_by": []},
}
ATTAINMENT = {
    "plan_id": 3,
    "name": "Support H2 incentive",
    "department": "support",
    "period_start": "2026-07-01",
    "period_end": "2026-12-31",
    "confidence_gate": False,
    "min_n": 30,
    "closed": False,
    "source": "live",
    "formula_version": "2026.1",
    "components": [
        {
            "goal_id": 1,
            "weight": 60,
            "measured": 30.0,
            "low": 27.5,
            "n": 800,
            "paid_on": 30.0,
            "payout_pct": 75.0,
            "contribution": 45.0,
            "status": "paid",
        },
        {
            "goal_id": 2,
            "weight": 40,
            "measured": 85.0,
            "low": 83.1,
            "n": 640,
            "paid_on": 85.0,
            "payout_pct": 125.0,
            "contribution": 50.0,
            "status": "paid",
        },
    ],
    "paid_pct": 95.0,
    "total_pct": 95.0,
    "pending": 0,
    "complete": True,
    "projected_pct": 95.0,
    "statement": None,
    "late_data": None,
}


AUDIT = {
    "count": 1,
    "results": [
        {
            "id": "goal:12",
            "model": "goal",
            "object_id": 1,
            "object": "NPS >= 45 across all channels by Q4",
            "action": "changed",
            "user": "lead",
            "at": "2026-11-27T10:00:00Z",
            "changes": [{"field": "target", "before": 45, "after": 48}],
        }
    ],
}
