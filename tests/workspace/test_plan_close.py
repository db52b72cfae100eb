"""Closing a period from the plan page: admins only, with a confirmation, then the statement."""

# The fixtures are imported from test_plan_fixtures (no conftest of ours): pytest passes
# them by name, so the test arguments 'redefine' the imports.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.models import IncentivePlan, PayoutStatement
from tests.goals.conftest import make_goal, make_plan
from tests.workspace.test_plan_fixtures import (  # noqa: F401 - fixtures
    NPS_CURVE,
    admin_user,
    billing_lead,
    fast_password_hashing,
    january,
    logged_in,
    worked_plan,
)

pytestmark = pytest.mark.django_db
UNDERSTOOD = "I understand the statement never changes"


def test_the_close_page_asks_for_the_confirmation(logged_in, admin_user, worked_plan):
    html = logged_in(admin_user).get(f"/plans/{worked_plan.pk}/close").content.decode()
    assert f">{UNDERSTOOD}</label>" in html
    assert "now 95% (4,750.00 EUR)" in html
    assert not PayoutStatement.objects.exists()


def test_without_the_box_ticked_nothing_is_closed(logged_in, admin_user, worked_plan):
    response = logged_in(admin_user).post(f"/plans/{worked_plan.pk}/close", {})
    assert response.status_code == 200
    assert "Tick this box to close the period." in response.content.decode()
    worked_plan.refresh_from_db()
    assert not worked_plan.is_closed
    assert not PayoutStatement.objects.exists()


def test_an_admin_closes_an_ended_period_and_sees_the_statement(logged_in, admin_user, worked_plan):
    # when
    response = logged_in(admin_user).post(
        f"/plans/{worked_plan.pk}/close", {"understood": "on"}, follow=True
    )
    # then
    assert response.redirect_chain == [(f"/plans/{worked_plan.pk}/statement", 302)]
    worked_plan.refresh_from_db()
    assert worked_plan.is_closed
    statement = PayoutStatement.objects.get(plan=worked_plan)
    assert statement.closed_by == admin_user
    assert statement.total_pct == pytest.approx(95.0)
    assert "The period of “Support January plan” is closed." in response.content.decode()


@pytest.mark.parametrize("who", ["lead", "executive", "billing_lead", "integrator"])
def test_nobody_but_an_admin_may_close(request, logged_in, worked_plan, who):
    # given
    client = logged_in(request.getfixturevalue(who))
    url = f"/plans/{worked_plan.pk}/close"
    # when
    shown = client.get(url)
    posted = client.post(url, {"understood": "on"})
    # then: refused, and checked after the write: nothing closed
    assert (shown.status_code, posted.status_code) == (403, 403)
    assert "Only admins may do this." in posted.content.decode()
    assert IncentivePlan.objects.get(pk=worked_plan.pk).closed_at is None
    assert not PayoutStatement.objects.exists()


def test_a_period_still_running_is_not_closed(logged_in, admin_user, lead):
    today = local_day(timezone.now())
    goal = make_goal(actor=lead, name="Now", start=today, end=today + timedelta(days=30))
    plan = make_plan(
        actor=lead,
        period_start=today,
        period_end=today + timedelta(days=30),
        components=[(goal, 100, NPS_CURVE)],
    )
    response = logged_in(admin_user).post(
        f"/plans/{plan.pk}/close", {"understood": "on"}, follow=True
    )
    assert response.redirect_chain == [(f"/plans/{plan.pk}", 302)]
    assert "close it after that day" in response.content.decode()
    assert not PayoutStatement.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, worked_plan):
    response = client.post(f"/plans/{worked_plan.pk}/close", {"understood": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not PayoutStatement.objects.exists()
