"""The plan list (/plans/) and the plan page (/plans/<id>): who sees which plans, the
worked example's figures in percent and money, curves, explanations; query counts."""

# The fixtures are imported from test_plan_fixtures (no conftest of ours): pytest passes
# them by name, so the test arguments 'redefine' the imports.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.services import goals as goal_services
from tests.goals.conftest import make_goal, make_plan
from tests.workspace.test_plan_fixtures import (  # noqa: F401 - fixtures
    CSAT_CURVE,
    NPS_CURVE,
    add_four_plans,
    admin_user,
    billing_lead,
    fast_password_hashing,
    january,
    logged_in,
    worked_plan,
)

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """The page's words (tags and SVGs dropped, spaces collapsed)."""
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def billing_plan(billing_lead):
    goal = make_goal(actor=billing_lead, name="Billing NPS", departments=["billing"])
    return make_plan(
        actor=billing_lead,
        name="Billing January plan",
        department="billing",
        components=[(goal, 100, NPS_CURVE)],
    )


def test_a_lead_lists_the_plans_of_the_departments_they_lead(
    logged_in, lead, worked_plan, billing_plan
):
    html = logged_in(lead).get("/plans/").content.decode()
    assert "Support January plan" in html
    assert "Billing January plan" not in html
    assert '<a class="btn btn-primary" href="/plans/new">New plan</a>' in html


def test_executives_list_every_plan_read_only(logged_in, executive, worked_plan, billing_plan):
    html = logged_in(executive).get("/plans/").content.decode()
    assert "Support January plan" in html and "Billing January plan" in html
    assert "New plan" not in html


def test_the_list_says_earned_so_far_in_percent_and_money_projected_and_pending(
    logged_in, lead, worked_plan
):
    # worked example (tests/workspace/test_plan_fixtures.py): 95% of 5,000 EUR
    words = text_of(logged_in(lead).get("/plans/").content.decode())
    assert (
        "Support January plan Support 2025-01-01 to 2025-01-31 open "
        "earned so far: 95% · 4,750.00 EUR 95% · 4,750.00 EUR 0"
    ) in words


def test_a_closed_plan_is_listed_as_paid(logged_in, lead, admin_user, worked_plan):
    goal_services.close_period(plan=worked_plan, actor=admin_user)
    words = text_of(logged_in(lead).get("/plans/").content.decode())
    assert "closed paid: 95% · 4,750.00 EUR" in words


def test_a_pending_component_is_counted_and_projected(logged_in, lead, january):
    # given: a goal with no responses at all takes 50% next to NPS (75% on its curve)
    empty = make_goal(actor=lead, name="CES goal", metric="ces", baseline=3, target=5)
    make_plan(
        actor=lead,
        components=[(january["nps"], 50, NPS_CURVE), (empty, 50, (3.0, 5.0, 6.0))],
        target_bonus=1000,
        currency="USD",
    )
    # when
    words = text_of(logged_in(lead).get("/plans/").content.decode())
    # then: paid so far 0.5 * 75 = 37.5% of 1,000 USD; no projection without any CES value
    assert "earned so far: 37.5% · 375.00 USD – 1" in words


def test_listing_plans_costs_the_same_queries_for_one_plan_or_five(
    logged_in, lead, admin_user, january, worked_plan, django_assert_num_queries
):
    client = logged_in(lead)
    client.get("/plans/")  # warm the content types
    # session, user, roles, led departments (4) + plans (with their statements) and their 4
    # prefetches (5) + one rollup query measuring every open plan's components (1) + led
    # departments again, for the "New plan" button (1)
    with django_assert_num_queries(11):
        assert client.get("/plans/").status_code == 200
    # given four more plans of one to three components, one of them closed
    add_four_plans(lead=lead, admin=admin_user, january=january)
    # then listing the five costs the same
    with django_assert_num_queries(11):
        words = text_of(client.get("/plans/").content.decode())
    assert words.count("Support plan") == 4 and "closed paid:" in words


# --- The plan page ----------------------------------------------------------------------------


def test_the_plan_page_shows_header_figures_and_each_component(logged_in, lead, worked_plan):
    html = logged_in(lead).get(f"/plans/{worked_plan.pk}").content.decode()
    words = text_of(html)
    assert "Department Support Period 2025-01-01 to 2025-01-31 · open" in words
    assert "Confidence gate no: pays on the measured value Minimum responses 30" in words
    assert "Target bonus 5,000.00 EUR" in words
    assert "Earned so far 95% · 4,750.00 EUR" in words
    assert "Projected 95% · 4,750.00 EUR" in words
    nps, _csat = worked_plan.components.order_by("-weight")
    assert f'<a href="/goals/{nps.goal_id}">NPS to 40 by the end of January</a>' in html
    assert re.search(
        r"NPS to 40 by the end of January 60% 30\.0 [\d.]+ 100 75% 45% · 2,250\.00 EUR "
        r"between threshold 20 and target 40: measured 30\.0",
        words,
    )
    assert re.search(
        r"CSAT to 80 40% 85\.0% [\d.]+% 100 125% 50% · 2,500\.00 EUR "
        r"between target 80 and stretch 90: measured 85\.0%",
        words,
    )


def test_the_plan_page_draws_each_components_curve_with_you_are_here(logged_in, lead, worked_plan):
    html = logged_in(lead).get(f"/plans/{worked_plan.pk}").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    assert all('role="img"' in svg for svg in svgs)
    assert "You are here (measured, paid on): 30.0 pays 75%" in svgs[0]
    assert "You are here (measured, paid on): 85.0% pays 125%" in svgs[1]
    assert 'id="curve-1-title"' in svgs[0] and 'id="curve-2-title"' in svgs[1]
    assert " style=" not in html  # the Content-Security-Policy refuses style attributes


def test_a_zero_component_says_why(logged_in, lead, january):
    # given: NPS 30 is below a threshold of 35
    plan = make_plan(actor=lead, components=[(january["nps"], 100, (35.0, 45.0, 50.0))])
    words = text_of(logged_in(lead).get(f"/plans/{plan.pk}").content.decode())
    assert "0% 0% below threshold 35: measured 30.0" in words


def test_edit_for_its_lead_close_only_for_admins(
    logged_in, lead, executive, admin_user, worked_plan
):
    url = f"/plans/{worked_plan.pk}"
    lead_html = logged_in(lead).get(url).content.decode()
    assert "Edit plan" in lead_html and "Close period" not in lead_html
    exec_html = logged_in(executive).get(url).content.decode()
    assert "Edit plan" not in exec_html and "Close period" not in exec_html
    admin_html = logged_in(admin_user).get(url).content.decode()
    assert f'href="/plans/{worked_plan.pk}/close">Close period</a>' in admin_html


def test_a_period_still_running_has_no_close_button(logged_in, admin_user, lead, january):
    today = local_day(timezone.now())
    goal = make_goal(actor=lead, name="Now", start=today, end=today + timedelta(days=30))
    plan = make_plan(
        actor=lead,
        period_start=today,
        period_end=today + timedelta(days=30),
        components=[(goal, 100, NPS_CURVE)],
    )
    assert "Close period" not in logged_in(admin_user).get(f"/plans/{plan.pk}").content.decode()


# --- Who may read -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/plans/", "/plans/{id}"])
def test_anonymous_visitors_are_sent_to_log_in(client, worked_plan, url):
    response = client.get(url.format(id=worked_plan.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", ["/plans/", "/plans/{id}"])
def test_integrators_are_refused(logged_in, integrator, worked_plan, url):
    response = logged_in(integrator).get(url.format(id=worked_plan.pk))
    assert response.status_code == 403
    assert "Your role does not give access" in response.content.decode()


def test_every_reader_reads_a_plan_and_only_its_departments_leads_and_admins_may_edit_it(
    logged_in, lead, executive, admin_user, billing_lead, worked_plan
):
    url = f"/plans/{worked_plan.pk}"
    edit = f'href="/plans/{worked_plan.pk}/edit"'
    for user, may_edit in (
        (lead, True),
        (admin_user, True),
        (executive, False),
        (billing_lead, False),
    ):
        page = logged_in(user).get(url)
        assert page.status_code == 200
        assert (edit in page.content.decode()) is may_edit, user
    refused = logged_in(billing_lead).get(f"/plans/{worked_plan.pk}/edit")
    assert refused.status_code == 403


def test_an_unknown_plan_is_not_found(logged_in, lead, org):
    assert logged_in(lead).get("/plans/999").status_code == 404
