"""Shared fixtures for the workspace's pages: one person per role, and `logged_in`.

Users (tests.factories.make_user, password factories.PASSWORD): ``lead`` leads Support,
``executive`` and ``integrator`` (those three from tests/conftest.py), ``product_lead`` leads
Product, ``billing_lead`` Billing, ``admin``. Passwords hash fast (tests/goals/conftest.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from cxmetrics.models import Department
from cxmetrics.selectors.dashboards.filters import today
from cxmetrics.services import goals as goal_services
from cxmetrics.services import rollups
from tests.dashboards.conftest import days_ago as noon_days_ago
from tests.factories import PASSWORD, make_responses, make_user
from tests.followups.conftest import no_publish  # noqa: F401 (fixture, shared)
from tests.goals.conftest import fast_password_hashing  # noqa: F401 (autouse, shared)


@pytest.fixture
def product_lead(org):
    return make_user("product_lead", role="team_lead", leads=["product"])


@pytest.fixture
def billing_lead(org):
    return make_user("billing_lead", role="team_lead", leads=["billing"])


@pytest.fixture
def admin(org):
    return make_user("admin", role="admin")


def logged_in(client_or_page: Any, user: Any) -> Any:
    """`client_or_page` logged in as `user`, returned.

    A Django test client is logged in directly (force_login). A Playwright page goes through
    the login form as a person would; its browser context must have been created with
    ``base_url=live_server.url`` (addresses are relative)."""
    if hasattr(client_or_page, "force_login"):
        client_or_page.force_login(user)
        return client_or_page
    page = client_or_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


# --- Goals ---------------------------------------------------------------------------------


def nps_30(*, days_ago: int = 5, **common: Any) -> None:
    """100 NPS answers `days_ago` days ago, rollups refreshed: 50 promoters, 30 passives and
    20 detractors -> NPS 30 (95% interval 30 +- 15.3: 1.96 * sqrt((0.5 + 0.2 - 0.3^2) / 100))."""
    moment = noon_days_ago(days_ago)
    make_responses(
        scores=[9] * 50 + [7] * 30 + [3] * 20, metric="nps", occurred_at=moment, **common
    )
    while rollups.refresh_dirty_rollups():
        pass


def make_goal(*, actor: Any, departments=("support", "product"), **overrides: Any) -> Any:
    """A goal written as `actor` through the service (not trusted): departments `actor` does
    not lead are invited. Default: NPS from 20 to 40 over the 30 days around today (half way
    now, so expected 30)."""
    values: dict[str, Any] = {
        "name": "NPS to 40 this month",
        "metric": "nps",
        "baseline": 20.0,
        "target": 40.0,
        "start": today() - timedelta(days=15),
        "end": today() + timedelta(days=15),
        "departments": list(Department.objects.filter(slug__in=departments)),
    }
    values.update(overrides)
    return goal_services.create_goal(actor=actor, **values)


@pytest.fixture
def shared_goal(lead):
    """Support's lead's goal: Support takes part, Product is invited (pending)."""
    return make_goal(actor=lead)


def make_plan(*, actor: Any, goal: Any, department: str = "support", **overrides: Any) -> Any:
    """A plan of `department` over the goal's period paying 100% on it (25 / 40 / 45),
    written as `actor` through the service."""
    values: dict[str, Any] = {
        "name": f"{department.title()} plan",
        "department": Department.objects.get(slug=department),
        "period_start": goal.start,
        "period_end": goal.end,
        "components": [
            goal_services.ComponentIn(goal=goal, weight=100, threshold=25, target=40, stretch=45)
        ],
    }
    values.update(overrides)
    return goal_services.create_plan(actor=actor, **values)


# --- Follow-ups ----------------------------------------------------------------------------


def make_followup(
    *,
    department: str = "support",
    due_in: timedelta = timedelta(hours=5),
    priority: str | None = None,
    slug: str = "integrations",
    **item: Any,
) -> Any:
    """A detractor's follow-up opened through the pipeline (record_responses, then the rules)
    48 hours before it is due, due `due_in` from now (negative: overdue), of `department`;
    `priority` overrides the rule's. `item` overrides the response (score 3, NPS by default)."""
    from django.utils import timezone

    from cxmetrics.models import FollowUp
    from tests.followups.conftest import followup_of, push
    from tests.followups.conftest import item as response_item

    due_at = timezone.now() + due_in
    item.setdefault("score", 3.0)
    item.setdefault("occurred_at", due_at - timedelta(hours=49))
    (pk,) = push(
        response_item(department=department, **item), slug=slug, now=due_at - timedelta(hours=48)
    )
    followup = followup_of(pk)
    assert followup is not None and followup.due_at == due_at
    if priority is not None:
        FollowUp.objects.filter(pk=followup.pk).update(priority=priority)
        followup.refresh_from_db()
    return followup
