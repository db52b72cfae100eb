"""The write-permission matrix's world and helpers, shared by test_goal_writes.py,
test_plan_writes.py and test_write_rules.py.

Every write on goals and plans x role x (own / other department) x (before / after state).

The rule of a write is the rule of a create, applied twice: to the object as stored (may you
touch it at all?) and to the object as it will be after the write (would you be allowed to
create it like that?). `lead` leads Support, `other_lead` leads Billing; each owns the goals
of their department. "before" is the department of the object as stored, "after" the one the
write asks for. A refused write answers 403 (401 anonymous) and leaves the database as it
was: the same rows, and no audit (history) row.
"""

from __future__ import annotations

from cxmetrics.models import Goal, GoalInvitation, IncentivePlan, PayoutStatement, PlanComponent
from tests.goals.conftest import END, START

ROLES = ("anonymous", "api_key", "integrator", "executive", "lead", "other_lead", "admin")
DEPARTMENTS = ("support", "billing")
LEADS = {"lead": "support", "other_lead": "billing"}
CURVE = {"weight": 100, "threshold": 20, "target": 40, "stretch": 60}


def allowed(role: str, *departments: str) -> bool:
    """Admins always; a team lead when every department involved is the one they lead."""
    if role == "admin":
        return True
    return role in LEADS and all(d == LEADS[role] for d in departments)


def expected(role: str, ok: int, *departments: str) -> int:
    if allowed(role, *departments):
        return ok
    return 401 if role == "anonymous" else 403


def stored() -> dict:
    """Everything a goal or plan write could touch, audit rows included."""
    return {
        "goals": list(Goal.objects.order_by("pk").values()),
        "goal_departments": list(
            Goal.departments.through.objects.order_by("pk").values_list("goal_id", "department_id")
        ),
        "invitations": list(GoalInvitation.objects.order_by("pk").values()),
        "plans": list(IncentivePlan.objects.order_by("pk").values()),
        "components": list(PlanComponent.objects.order_by("pk").values()),
        "statements": PayoutStatement.objects.count(),
        "history": (
            Goal.history.count(),
            GoalInvitation.history.count(),
            IncentivePlan.history.count(),
            PlanComponent.history.count(),
        ),
    }


def goal_payload(department: str) -> dict:
    return {
        "name": "A goal",
        "metric": "nps",
        "baseline": 20,
        "target": 40,
        "start": str(START),
        "end": str(END),
        "departments": [department],
    }


def plan_payload(department: str, goal_id: int) -> dict:
    return {
        "name": "A plan",
        "department": department,
        "period_start": str(START),
        "period_end": str(END),
        "components": [{"goal": goal_id} | CURVE],
    }


def assert_refusal_changed_nothing(response, code: int, before: dict) -> None:
    assert response.status_code == code, response.content[:300]
    if code >= 400:
        if code != 400:  # a 400 names the fields at fault instead
            assert response.json()["detail"], "a refusal says what is not allowed"
        assert stored() == before


def goal_departments(goal_id: int) -> list[str]:
    return sorted(Goal.objects.get(pk=goal_id).departments.values_list("slug", flat=True))
