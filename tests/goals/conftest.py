"""Fixtures and factories for goals and incentive plans."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from cxmetrics.models import Department, FollowUp, Role, RootCause, Source
from cxmetrics.services import goals as goal_services
from cxmetrics.services import rollups
from cxmetrics.services.followups import open_followups, update_followup
from cxmetrics.services.ingest import record_responses
from tests.factories import make_api_key, make_item, make_responses, make_user

# A past quarter, so periods can be closed whatever today's date is.
START = date(2025, 1, 1)
END = date(2025, 1, 31)
MID = date(2025, 1, 16)  # exactly half way: 15 of 30 days
DATA_DAY = date(2025, 1, 5)


def moment(day: date = DATA_DAY) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


FOLLOWUPS_OPENED = moment(DATA_DAY)  # 2025-01-05 at noon, org-local


def store(*, scores: list[float], metric: str = "nps", day: date = DATA_DAY, **common: Any) -> None:
    """Store responses on `day` and refresh the rollups (on_commit does not run in tests)."""
    make_responses(scores=scores, metric=metric, occurred_at=moment(day), **common)
    while rollups.refresh_dirty_rollups():
        pass


def nps_30(**common: Any) -> None:
    """100 NPS answers: 50 promoters, 30 passives, 20 detractors -> NPS 30."""
    store(scores=[9] * 50 + [7] * 30 + [3] * 20, metric="nps", **common)


def csat_85(**common: Any) -> None:
    """100 CSAT answers, 85 satisfied (4-5) -> CSAT 85%."""
    store(scores=[5] * 85 + [2] * 15, metric="csat", **common)


def followup(
    *,
    opened: datetime = FOLLOWUPS_OPENED,
    closed_after: timedelta | None = None,
    department: str = "support",
    channel: str = "web",
    handled_by: str = "human",
    closer: Any = None,
) -> FollowUp:
    """An NPS detractor stored and evaluated at `opened` (a follow-up of `department`, due 48
    hours later), closed `closed_after` it by `closer` when given (left open otherwise)."""
    item = make_item(
        metric="nps",
        score=3.0,
        occurred_at=opened,
        department=department,
        channel=channel,
        handled_by=handled_by,
    )
    result = record_responses(source=Source.objects.get(slug="integrations"), items=[item])
    open_followups(now=opened)
    (response_id,) = result.accepted_ids
    made = FollowUp.objects.get(response_id=response_id)
    assert made.due_at == opened + timedelta(hours=48)
    if closed_after is not None:
        update_followup(
            followup=made,
            actor=closer,
            changes={
                "status": "closed",
                "outcome": "resolved",
                "root_cause": RootCause.objects.get(name="Other"),
            },
            now=opened + closed_after,
        )
    return made


def support_ten(closer: Any, opened: datetime = FOLLOWUPS_OPENED) -> None:
    """Ten follow-ups of Support opened at `opened`: 7 closed on time (a day later), 2 late
    (three days later), 1 left open (past due two days later): 70% on time, n = 10."""
    for _ in range(7):
        followup(opened=opened, closed_after=timedelta(hours=24), closer=closer)
    for _ in range(2):
        followup(opened=opened, closed_after=timedelta(hours=72), closer=closer)
    followup(opened=opened)


def make_goal(*, actor: Any, **overrides: Any) -> Any:
    departments = overrides.pop("departments", ["support", "product"])
    values: dict[str, Any] = {
        "name": "NPS to 40 by the end of January",
        "metric": "nps",
        "baseline": 20.0,
        "target": 40.0,
        "start": START,
        "end": END,
        "departments": list(Department.objects.filter(slug__in=departments)),
    }
    values.update(overrides)
    return goal_services.create_goal(actor=actor, trusted=True, **values)


def lead_of(slug: str) -> Any:
    """A team lead of department `slug` (the first one, or a new `<slug>_lead`)."""
    department = Department.objects.get(slug=slug)
    existing = department.leads.filter(groups__name=Role.TEAM_LEAD).order_by("pk").first()
    return existing or make_user(f"{slug}_lead", role="team_lead", leads=[slug])


def invite(goal: Any, *slugs: str, actor: Any) -> None:
    """`actor` (the goal's owner, a lead of none of `slugs`) asks these departments to take
    part: they are invited (pending), through the same service the API calls."""
    wanted = [*goal.departments.all(), *Department.objects.filter(slug__in=slugs)]
    goal_services.update_goal(goal=goal, actor=actor, departments=wanted)


def accept(goal: Any, slug: str) -> Any:
    """A lead of `slug` accepts the goal's invitation: the department takes part."""
    invitation = goal.invitations.get(department__slug=slug)
    return goal_services.accept_invitation(invitation=invitation, actor=lead_of(slug))


def take_part(goal: Any, *slugs: str) -> None:
    """Each department takes part in `goal` as agreed: invited by the goal's owner (unless
    already invited), then accepted by one of its leads. Departments taking part stay."""
    for slug in slugs:
        if goal.departments.filter(slug=slug).exists():
            continue
        if not goal.invitations.filter(department__slug=slug, status="pending").exists():
            invite(goal, slug, actor=goal.owner)
        accept(goal, slug)


def make_plan(*, actor: Any, components: list[tuple[Any, int, tuple]], **overrides: Any) -> Any:
    """components: [(goal, weight, (threshold, target, stretch))]."""
    values: dict[str, Any] = {
        "name": "Support January plan",
        "department": Department.objects.get(slug=overrides.pop("department", "support")),
        "period_start": START,
        "period_end": END,
        "confidence_gate": False,
    }
    values.update(overrides)
    parts = [
        goal_services.ComponentIn(
            goal=goal, weight=weight, threshold=curve[0], target=curve[1], stretch=curve[2]
        )
        for goal, weight, curve in components
    ]
    return goal_services.create_plan(actor=actor, components=parts, trusted=True, **values)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are created per test; the default hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def other_lead(org):
    """Team lead of Billing, a department that takes no part in the default goal."""
    return make_user("billing_lead", role="team_lead", leads=["billing"])


@pytest.fixture
def admin_user(org):
    return make_user("boss", role="admin")


@pytest.fixture
def clients(org, executive, lead, other_lead, admin_user, integrator):
    """An API client per role, logged in (the api_key client sends an integrator key)."""

    def client_for(role: str) -> APIClient:
        client = APIClient()
        users = {
            "executive": executive,
            "lead": lead,
            "other_lead": other_lead,
            "admin": admin_user,
            "integrator": integrator,
        }
        if role in users:
            client.force_login(users[role])
        elif role == "api_key":
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_api_key()}")
        return client

    return client_for


@pytest.fixture
def world(lead, other_lead):
    """The write-permission matrix's world (tests/goals/write_matrix.py). Per department: a
    goal its lead owns (no plan pays on it), and an open January plan paying on another goal
    of that department."""
    owners = {"support": lead, "billing": other_lead}
    goals, plans = {}, {}
    for slug, owner in owners.items():
        goals[slug] = make_goal(actor=owner, name=f"{slug} goal", departments=[slug])
        paid = make_goal(actor=owner, name=f"{slug} paid goal", departments=[slug])
        plans[slug] = make_plan(
            actor=owner,
            name=f"{slug} plan",
            department=slug,
            components=[(paid, 100, (20.0, 40.0, 60.0))],
        )
    return {"goal": goals, "plan": plans}
