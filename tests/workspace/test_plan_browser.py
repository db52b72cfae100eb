"""The plan form and the plan page in headless Chromium against a live server, driven by their
labels as a team lead would: Support's lead creates a plan paying 100% on a goal Support takes
part in (threshold 35 / target 45 / stretch 50, target bonus 5000 EUR), tries "Add component",
saves, and reads the plan page: the curve with "you are here" and the money. No console errors
and nothing refused by the Content-Security-Policy. Screenshots: $CX_SHOTS/plans-*.png."""

# The fixtures are imported from test_plan_fixtures (no conftest of ours): pytest passes
# them by name, so the test arguments 'redefine' the imports.
# ruff: noqa: F811

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bench.dashboards import CHROMIUM_ARGS
from cxmetrics import payouts
from cxmetrics.localtime import local_day
from cxmetrics.models import IncentivePlan
from cxmetrics.selectors.goals import plan_attainment
from tests.dashboards.browser import SHOTS
from tests.goals.conftest import make_goal, store
from tests.workspace.test_plan_fixtures import (  # noqa: F401 - fixtures
    PASSWORD,
    admin_user,
    fast_password_hashing,
    january,
    worked_plan,
)
from workspace.curves import percent

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.postgres]

CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', e => console.error(
  `CSP violation: ${e.violatedDirective} refused ${e.blockedURI || 'inline'}`));
"""
GOAL = "NPS >= 45 across all channels by end of quarter"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def goal(transactional_db, lead):
    """Support and Product take part; 1,200 answers this period: 55% promoters, 15% detractors
    -> NPS 40 (between threshold 35 and target 45), lower bound about 35.8."""
    today = local_day(timezone.now())
    store(scores=[10] * 660 + [8] * 360 + [2] * 180, day=today - timedelta(days=1))
    return make_goal(
        actor=lead,
        name=GOAL,
        target=45.0,
        start=today - timedelta(days=20),
        end=today + timedelta(days=20),
    )


@pytest.fixture
def browse(live_server):
    """browse(username) -> a 1366x768 page logged in as `username`, on /plans/; console errors
    (CSP violations among them) collect in page.errors."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )

        def open_as(username):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_init_script(CSP_LISTENER)
            page = context.new_page()
            page.errors = []
            page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.goto(f"{live_server.url}/accounts/login/?next=/plans/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r"/plans/$"))
            return page

        yield open_as
        browser.close()


@pytest.fixture
def page(browse, goal):
    return browse("lead")


def test_a_lead_creates_a_plan_by_its_labels_and_reads_its_curve_in_money(page, goal):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # given: the plans page, "New plan"
    page.get_by_role("link", name="New plan").click()
    expect(page.get_by_role("heading", name="New incentive plan")).to_be_visible()
    # when: the plan's fields, by their labels
    page.get_by_label("Name", exact=True).fill("Support NPS bonus")
    expect(page.get_by_label("Department")).to_have_value(
        str(goal.departments.get(slug="support").pk)
    )
    page.get_by_label("Start", exact=True).fill(goal.start.isoformat())
    page.get_by_label("End", exact=True).fill(goal.end.isoformat())
    page.get_by_label("Target bonus").fill("5000")
    page.get_by_label("Currency").select_option("EUR")
    first = page.get_by_role("group", name="Component 1")
    first.get_by_label("Goal", exact=True).select_option(label=GOAL)
    first.get_by_label("Weight", exact=True).fill("100")
    first.get_by_label("Threshold", exact=True).fill("35")
    first.get_by_label("Target", exact=True).fill("45")
    first.get_by_label("Stretch", exact=True).fill("50")
    page.screenshot(path=str(SHOTS / "plans-form.png"), full_page=True)
    # and "Add component": one more row, what was typed kept, nothing saved
    page.get_by_role("button", name="Add component").click()
    second = page.get_by_role("group", name="Component 2")
    expect(second.get_by_label("Goal", exact=True)).to_be_visible()
    first = page.get_by_role("group", name="Component 1")
    expect(first.get_by_label("Threshold", exact=True)).to_have_value("35")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Support NPS bonus")
    assert not IncentivePlan.objects.exists()
    page.screenshot(path=str(SHOTS / "plans-form-added-row.png"), full_page=True)
    # and the empty second row is left blank: "Save plan"
    page.get_by_role("button", name="Save plan").click()
    # then: the plan's page
    expect(page.get_by_role("heading", name="Support NPS bonus")).to_be_visible()
    plan = IncentivePlan.objects.get(name="Support NPS bonus")
    assert page.url.endswith(f"/plans/{plan.pk}")
    assert (plan.components.count(), plan.target_bonus, plan.currency) == (1, 5000, "EUR")
    curve = page.get_by_role("img", name=f"Payout curve of {GOAL}")
    expect(curve).to_be_visible()
    # NPS 40 on the curve pays 50 + (40-35)/(45-35) * 50 = 75%; the confidence gate (on by
    # default) pays on the lower bound, a little above 35: a little above 50%
    expect(curve.locator("text=You are here (measured): 40.0 pays 75%")).to_be_visible()
    expect(curve.locator("text=You are here (lower bound, paid on)")).to_be_visible()
    [paid] = plan_attainment(plan=plan, as_of=local_day(timezone.now()))["components"]
    assert 50 < paid["payout_pct"] < 75
    money = payouts.format_money(payouts.amount(paid["payout_pct"], bonus=5000), "EUR")
    expect(page.locator("#plan-paid")).to_have_text(f"{percent(paid['payout_pct'])} · {money}")
    here = curve.locator("g[data-marker='lower bound'] text")
    expect(here).to_have_text(re.compile(rf"pays {re.escape(percent(paid['payout_pct']))}$"))
    page.screenshot(path=str(SHOTS / "plans-detail.png"), full_page=True)
    page.get_by_role("link", name="Plans", exact=True).first.click()
    expect(page.get_by_role("link", name="Support NPS bonus")).to_be_visible()
    page.screenshot(path=str(SHOTS / "plans-list.png"), full_page=True)
    assert page.errors == []


def test_an_admin_closes_an_ended_period_with_confirmation_and_reads_the_statement(
    browse, transactional_db, admin_user, worked_plan
):
    # given: Support's January 2025 plan (the worked example: 95% of 5,000 EUR)
    page = browse("boss")
    page.get_by_role("link", name="Support January plan").click()
    # when
    page.get_by_role("link", name="Close period").click()
    page.get_by_role("button", name="Close period").click()  # box not ticked: refused
    expect(page.get_by_text("Tick this box to close the period.")).to_be_visible()
    assert not IncentivePlan.objects.get(pk=worked_plan.pk).is_closed
    page.get_by_label("I understand the statement never changes").check()
    page.screenshot(path=str(SHOTS / "plans-close.png"), full_page=True)
    page.get_by_role("button", name="Close period").click()
    # then
    expect(
        page.get_by_role("heading", name="Payout statement: Support January plan")
    ).to_be_visible()
    expect(page.locator("#plan-paid")).to_have_text("95% · 4,750.00 EUR")
    expect(page.locator("#statement-closed")).to_contain_text("Closed by boss")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.screenshot(path=str(SHOTS / "plans-statement.png"), full_page=True)
    assert IncentivePlan.objects.get(pk=worked_plan.pk).is_closed
    assert page.errors == []
