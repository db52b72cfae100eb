"""Fixtures of the plan pages' tests (imported by tests/workspace/test_plan*.py and
test_statement*.py; no tests here). The worked example is tests/goals' January plan:

* "NPS to 40" (Support and Product take part): 100 answers, 50 promoters, 20 detractors ->
  NPS 30; curve 20/40/60 (50% at 20, 100% at 40, 150% at 60) pays 50 + (30-20)/(40-20)*50 = 75%;
* "CSAT to 80" (Support): 85 of 100 satisfied -> CSAT 85; curve 70/80/90 pays
  100 + (85-80)/(90-80)*50 = 125%;
* weights 60/40: 0.6*75 + 0.4*125 = 45 + 50 = 95% of a 5,000.00 EUR bonus = 4,750.00 EUR
  (NPS 0.6*75 = 45% = 2,250.00 EUR; CSAT 0.4*125 = 50% = 2,500.00 EUR).
No confidence gate (paid on the measured values).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cxmetrics.models import Department
from cxmetrics.services import goals as goal_services
from tests.factories import PASSWORD, make_user
from tests.goals.conftest import END, START, csat_85, make_goal, make_plan, nps_30

__all__ = [
    "END",
    "PASSWORD",
    "START",
    "add_four_plans",
    "admin_user",
    "billing_lead",
    "fast_password_hashing",
    "january",
    "logged_in",
    "worked_plan",
]

NPS_CURVE = (20.0, 40.0, 60.0)
CSAT_CURVE = (70.0, 80.0, 90.0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(org):
    return make_user("boss", role="admin")


@pytest.fixture
def billing_lead(org):
    """Team lead of Billing, which takes no part in January's goals."""
    return make_user("billing_lead", role="team_lead", leads=["billing"])


@pytest.fixture
def january(lead):
    """The worked example's two goals with data: NPS 30 (Support, Product), CSAT 85 (Support)."""
    nps_30()
    csat_85()
    nps = make_goal(actor=lead)
    csat = make_goal(
        actor=lead,
        name="CSAT to 80",
        metric="csat",
        baseline=70,
        target=80,
        departments=["support"],
    )
    return {"nps": nps, "csat": csat}


@pytest.fixture
def worked_plan(lead, january):
    """Support's January plan on both goals: 95% of 5,000 EUR = 4,750.00 EUR."""
    return make_plan(
        actor=lead,
        components=[(january["nps"], 60, NPS_CURVE), (january["csat"], 40, CSAT_CURVE)],
        target_bonus=Decimal("5000"),
        currency="EUR",
    )


@pytest.fixture
def logged_in(client):
    """logged_in(user) -> the test client, logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login


def support():
    return Department.objects.get(slug="support")


def add_four_plans(*, lead, admin, january) -> None:
    """Four more Support plans of January next to the worked one, so that a page listing plans
    can be pinned with one plan and with five: two, three and one components (one of them on
    a CES goal without any data, pending), and one plan closed (its statement is read)."""
    nps, csat = january["nps"], january["csat"]
    empty = make_goal(actor=lead, name="CES goal", metric="ces", baseline=3, target=5)
    make_plan(
        actor=lead, name="Support plan B", components=[(nps, 50, NPS_CURVE), (csat, 50, CSAT_CURVE)]
    )
    make_plan(
        actor=lead,
        name="Support plan C",
        components=[(nps, 40, NPS_CURVE), (csat, 30, CSAT_CURVE), (empty, 30, (3.0, 5.0, 6.0))],
    )
    make_plan(actor=lead, name="Support plan D", components=[(csat, 100, CSAT_CURVE)])
    closed = make_plan(
        actor=lead,
        name="Support plan E",
        components=[(nps, 70, NPS_CURVE), (csat, 30, CSAT_CURVE)],
    )
    goal_services.close_period(plan=closed, actor=admin)
