"""Closing a period writes a payout statement that never changes; late data is shown beside it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cxmetrics import incentives
from cxmetrics.models import PayoutStatement
from cxmetrics.models.goals import StatementImmutableError
from cxmetrics.selectors.goals import plan_attainment, plans_queryset
from cxmetrics.services.goals import (
    NotAllowed,
    StateConflict,
    check_close,
    close_period,
    update_plan,
)
from cxmetrics.services.goals.access import CLOSE_REFUSED
from tests.goals.conftest import END, MID, csat_85, make_goal, make_plan, nps_30, store

NPS_CURVE = (20.0, 40.0, 60.0)
CSAT_CURVE = (70.0, 80.0, 90.0)


@pytest.fixture
def closed(lead, admin_user):
    """The worked-example plan (95%) of Support's lead, closed by an admin."""
    nps_30()
    csat_85()
    nps = make_goal(actor=lead)
    csat = make_goal(actor=lead, name="CSAT to 80", metric="csat", baseline=70, target=80)
    plan = make_plan(actor=lead, components=[(nps, 60, NPS_CURVE), (csat, 40, CSAT_CURVE)])
    statement = close_period(plan=plan, actor=admin_user)
    return plans_queryset().get(pk=plan.pk), statement


def test_closing_freezes_values_n_intervals_curves_and_formula_version(closed, admin_user):
    # given / when
    plan, statement = closed
    # then
    assert plan.is_closed
    assert statement.closed_by == admin_user
    assert statement.formula_version == incentives.FORMULA_VERSION
    assert statement.total_pct == pytest.approx(95.0)
    nps_part = next(c for c in statement.data["components"] if c["metric"] == "nps")
    assert nps_part["measured"] == pytest.approx(30.0)
    assert nps_part["n"] == 100
    assert nps_part["low"] < 30.0 < nps_part["high"]
    assert nps_part["curve"]["threshold"] == 20.0
    assert nps_part["payout_pct"] == pytest.approx(75.0)


def test_a_statement_cannot_be_saved_again_updated_or_deleted(closed):
    # given
    _, statement = closed
    statement.total_pct = 150.0
    # when / then
    with pytest.raises(StatementImmutableError):
        statement.save()
    with pytest.raises(StatementImmutableError):
        statement.delete()
    with pytest.raises(StatementImmutableError):
        PayoutStatement.objects.filter(pk=statement.pk).update(total_pct=150.0)
    with pytest.raises(StatementImmutableError):
        PayoutStatement.objects.filter(pk=statement.pk).delete()
    assert PayoutStatement.objects.get(pk=statement.pk).total_pct == pytest.approx(95.0)


def test_a_closed_plan_cannot_change_or_be_closed_again(closed, lead, admin_user):
    # given
    plan, _ = closed
    # when / then
    with pytest.raises(StateConflict):
        update_plan(plan=plan, actor=lead, name="Rewritten")
    with pytest.raises(StateConflict):
        close_period(plan=plan, actor=admin_user)


def test_only_admins_close_a_period_even_the_plans_own_lead_may_not(lead, admin_user):
    # given Support's January plan, its period over, and Support's lead
    goal = make_goal(actor=lead)
    plan = make_plan(actor=lead, components=[(goal, 100, NPS_CURVE)])
    # when / then Support's lead is refused with the reason, and nothing is written
    with pytest.raises(NotAllowed) as refused:
        close_period(plan=plan, actor=lead)
    assert str(refused.value) == CLOSE_REFUSED
    assert not PayoutStatement.objects.filter(plan=plan).exists()
    assert check_close(admin_user, plan) is None


def test_api_refuses_changes_to_a_closed_plan_with_409(closed, clients):
    # given
    plan, _ = closed
    url = f"/api/v1/incentive-plans/{plan.pk}"
    # when
    patched = clients("admin").patch(url, {"name": "Rewritten"}, format="json")
    deleted = clients("admin").delete(url)
    closed_again = clients("admin").post(f"{url}/close")
    # then
    assert (patched.status_code, deleted.status_code, closed_again.status_code) == (409, 409, 409)


def test_a_period_cannot_close_before_it_ends(lead, admin_user):
    # given a plan whose period ends tomorrow
    goal = make_goal(actor=lead, end=timezone.localdate() + timedelta(days=1))
    plan = make_plan(
        actor=lead,
        components=[(goal, 100, NPS_CURVE)],
        period_end=timezone.localdate() + timedelta(days=1),
    )
    # when / then
    with pytest.raises(StateConflict, match="runs until"):
        close_period(plan=plan, actor=admin_user)


def test_late_responses_are_reported_beside_the_unchanged_statement(closed):
    # given 40 detractors arriving after closing, for a day in the period
    plan, statement = closed
    store(scores=[0] * 40, day=MID)
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then the statement's figures stand and the late data shows what they would be now
    assert result["source"] == "statement"
    assert result["total_pct"] == pytest.approx(95.0)
    assert result["late_data"]["responses"] == 40
    # would be: NPS 100 * (50 - 60) / 140 = -7.14, below the threshold 20: pays 0% (0 of 60);
    # CSAT unchanged 85 -> 125% of 40 = 50; total 0 + 50 = 50
    late = result["late_data"]
    assert (late["would_be_total_pct"], late["would_be_paid_pct"]) == (50.0, 50.0)
    nps_now = next(c for c in late["would_be_components"] if c["n"] == 140)
    assert nps_now["measured"] == pytest.approx(-1000.0 / 140)
    assert (nps_now["payout_pct"], nps_now["status"]) == (0.0, "paid")
    assert PayoutStatement.objects.get(pk=statement.pk).data == statement.data


def test_responses_outside_the_scope_or_period_are_not_late_data(closed):
    # given late answers of another metric, and late NPS answers after the period
    plan, _ = closed
    store(scores=[3] * 5, metric="ces", day=MID)
    store(scores=[0] * 5, day=END + timedelta(days=3))
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then
    assert result["late_data"]["responses"] == 0
    assert result["late_data"]["would_be_total_pct"] is None


def test_api_close_returns_the_statement(clients, lead):
    # given
    nps_30()
    goal = make_goal(actor=lead)
    plan = make_plan(actor=lead, components=[(goal, 100, NPS_CURVE)])
    # when
    refused = clients("lead").post(f"/api/v1/incentive-plans/{plan.pk}/close")
    response = clients("admin").post(f"/api/v1/incentive-plans/{plan.pk}/close")
    # then the plan's own lead may not close it; an admin does
    assert refused.status_code == 403
    assert response.status_code == 201
    body = response.json()
    assert body["source"] == "statement"
    assert body["total_pct"] == pytest.approx(75.0)
    assert body["statement"]["closed_by"] == "boss"
    assert body["late_data"]["responses"] == 0


def test_close_plan_command(lead, capsys):
    # given
    nps_30()
    goal = make_goal(actor=lead)
    plan = make_plan(actor=lead, components=[(goal, 100, NPS_CURVE)])
    # when
    call_command("close_plan", plan.pk, "--by", "lead")
    # then
    assert PayoutStatement.objects.filter(plan=plan).exists()
    assert '"source": "statement"' in capsys.readouterr().out
