"""The scorecard pages: /scorecards/ (every department) and /scorecards/<slug> (one), for
readers only, on the worked example of tests/dashboards/incentives_world.py (Support's plan has
earned 86% so far of a 5,000.00 EUR bonus: 4,300.00 EUR); query counts also with January's
plans of tests/workspace/test_plan_fixtures.py."""

# The plan fixtures are imported from test_plan_fixtures: pytest passes them by name, so the
# test arguments 'redefine' the imports.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from cxmetrics.selectors.dashboards.filters import today
from tests.dashboards.incentives_world import incentives_world
from tests.factories import make_user
from tests.goals.conftest import MID, make_goal
from tests.workspace.test_plan_fixtures import (  # noqa: F401 - fixtures
    add_four_plans,
    january,
    worked_plan,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(org):
    """The worked example half way through a period around today."""
    return incentives_world(
        start=today() - timedelta(days=15),
        end=today() + timedelta(days=15),
        day=today() - timedelta(days=2),
    )


def _text(response) -> str:
    """The page's text without tags or runs of white space."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("path", ["/scorecards/", "/scorecards/support"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, org, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", ["/scorecards/", "/scorecards/support"])
def test_integrators_are_refused_with_the_reason(client, integrator, path):
    client.force_login(integrator)
    response = client.get(path)
    assert response.status_code == 403
    assert "Your role does not give access to goals, plans and scorecards." in _text(response)


def test_the_addresses_have_their_names():
    assert reverse("scorecards") == "/scorecards/"
    assert reverse("scorecard", args=["support"]) == "/scorecards/support"


def test_an_executive_reads_every_departments_figures(client, executive, world):
    # when an executive opens the scorecards
    client.force_login(executive)
    response = client.get("/scorecards/")

    # then every department is listed, linked to its scorecard
    assert response.status_code == 200
    html = response.content.decode()
    for slug in ("billing", "logistics", "product", "stores", "support"):
        assert f'href="/scorecards/{slug}"' in html
    # and Support's row says its goal is at risk, its plan (linked) earned 86% so far, in money
    text = _text(response)
    assert "1 goal: 1 at risk" in text
    assert f'href="/plans/{world["plan"].pk}"' in html
    assert "86.0% earned so far" in text and "Paid" not in text
    assert "4,300.00 EUR of 5,000.00 EUR" in text
    assert "100%" in text  # its alignment share
    # and Product, without a plan, says so (no alignment share, not 0%)
    assert "No plan for this date" in text and "no plan" in text


def test_a_department_page_explains_its_plan(client, executive, world):
    client.force_login(executive)
    response = client.get("/scorecards/support")

    assert response.status_code == 200
    html, text = response.content.decode(), _text(response)
    assert "Support scorecard" in text
    # its goal, linked, at risk, shared with Product
    assert f'href="/goals/{world["goal"].pk}"' in html
    assert "NPS to 44" in text and "At risk" in text and "Product" in text
    # its plan, linked, with the figure in money, and why the component pays what it pays
    assert f'href="/plans/{world["plan"].pk}"' in html
    assert "86.0% earned so far = 4,300.00 EUR of a target bonus of 5,000.00 EUR" in text
    assert "between threshold 12 and target 37: measured 30.0" in text
    # its component's payout curve, with "you are here" at the measured value and the bound
    assert html.count('role="img" class="cx-curve"') == 1
    assert "Payout curve of NPS to 44" in html
    # (no confidence gate: paid on the measured value; 50% + 18/25 x 50% = 86%)
    assert "You are here (measured, paid on): 30.0 pays 86%" in html
    assert "You are here (lower bound): 14.7 pays 55.4%" in html
    # and the way back, and to the dashboard
    assert 'href="/scorecards/"' in html
    assert 'href="/dashboards/incentives?department=support"' in html


@pytest.mark.parametrize("role", ["team_lead", "admin"])
def test_leads_and_admins_read_them_too(client, world, role):
    client.force_login(make_user(f"reader-{role}", role=role))
    assert client.get("/scorecards/").status_code == 200
    assert client.get("/scorecards/product").status_code == 200


def test_an_unknown_department_is_not_found(client, executive):
    client.force_login(executive)
    assert client.get("/scorecards/nowhere").status_code == 404


def test_a_date_that_is_no_date_is_said_next_to_its_field(client, executive, world):
    client.force_login(executive)
    response = client.get("/scorecards/?as_of=someday")
    assert response.status_code == 200
    assert "Enter a date like 2026-03-31." in _text(response)
    assert "86.0% earned so far" in _text(response)  # today's figures meanwhile


def test_the_scorecards_page_costs_the_same_queries_whatever_the_goals(
    client, executive, world, django_assert_num_queries
):
    client.force_login(executive)
    # session, user, roles (3) + the selector's 18 (tests/workspace/test_scorecards.py)
    with django_assert_num_queries(21):
        assert client.get("/scorecards/").status_code == 200
    # given four more goals (no plan pays on them)
    for number in range(4):
        make_goal(
            actor=world["actor"],
            name=f"Goal {number}",
            start=today() - timedelta(days=1),
            end=today() + timedelta(days=9),
            departments=["billing", "stores"],
        )
    # then the page costs the same
    with django_assert_num_queries(21):
        response = client.get("/scorecards/")
    assert "4 goals: 4 not enough data" in _text(response)


def test_the_scorecards_page_costs_the_same_queries_for_one_plan_or_five(
    client,
    executive,
    lead,
    january,
    worked_plan,
    django_assert_num_queries,
):
    # given January's worked plan (tests/workspace/test_plan_fixtures.py), read half way
    client.force_login(executive)
    url = f"/scorecards/?as_of={MID}"
    # session, user, roles (3) + the selector's 18 (tests/workspace/test_scorecards.py)
    with django_assert_num_queries(21):
        assert client.get(url).status_code == 200
    # given four more plans of one to three components, one of them closed
    add_four_plans(lead=lead, admin=make_user("boss", role="admin"), january=january)
    # then the page costs the same
    with django_assert_num_queries(21):
        text = _text(client.get(url))
    assert "Support plan E" in text and "paid" in text
