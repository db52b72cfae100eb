"""The goal editor in headless Chromium, driven by its labels as a lead would: with JavaScript
(live figures fetched as the fields change, presets and "Use as baseline" filled in place) and
without (the same buttons post the form back). Nothing may be refused by the strict
Content-Security-Policy (each violation is logged as a console error, asserted away).
Screenshots at 1366x768 go to $CX_SHOTS/form-*.png."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest

from bench.dashboards import CHROMIUM_ARGS
from cxmetrics import periods
from cxmetrics.models import Goal, GoalInvitation
from cxmetrics.selectors.dashboards.filters import today
from tests.dashboards.browser import CSP_LISTENER, SHOTS  # each CSP violation, a console error
from tests.factories import PASSWORD, make_user
from tests.goals.conftest import store

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

NAME = "NPS >= 45 across all channels by end of quarter"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"form-{name}.png"), full_page=False)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, as the dashboards' browser tests and the bench drive it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def data(transactional_db, lead):
    """The last weeks of Support and Product: 300 NPS answers, 135 promoters, 135 passives,
    30 detractors (NPS 35) over web, chat and the app; an executive to be refused."""
    make_user("exec", role="executive")
    for ago, channel in ((3, "web"), (20, "chat"), (40, "app")):
        day = today() - timedelta(days=ago)
        store(scores=[10] * 27 + [8] * 27 + [4] * 6, metric="nps", day=day, channel=channel)
        store(
            scores=[9] * 18 + [7] * 18 + [2] * 4,
            metric="nps",
            day=day,
            channel=channel,
            department="product",
        )


def open_page(browser, live_server, username, *, javascript=True):
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, java_script_enabled=javascript
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/accounts/login/?next=/goals/new")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/goals/new")
    page.cx_errors = errors
    return page


def label(page, text):
    return page.get_by_label(text, exact=True)


def test_a_lead_sets_a_shared_goal_with_the_live_figures(browser, live_server, data):
    page = open_page(browser, live_server, "lead")
    quarter = periods.preset("this_quarter", today())
    # served under the strict policy: scripts from here only, nothing inline
    policy = page.reload().headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"].split()[0] == "'self'"
    assert "unsafe" not in policy
    expect(page.locator("#goal-figures")).to_have_attribute("data-live", "on")
    shoot(page, "new")

    # when the lead names the goal, keeps NPS across all channels, adds Product
    label(page, "Name").fill(NAME)
    expect(label(page, "Metric")).to_have_value("nps")
    expect(label(page, "Support")).to_be_checked()
    label(page, "Product").check()
    # and picks "This quarter": the dates are filled and the figures fetched again
    with page.expect_response(lambda r: "/goals/preview?" in r.url) as answer:
        page.get_by_role("button", name="This quarter").click()
    assert answer.value.status == 200
    expect(label(page, "Start")).to_have_value(quarter.start.isoformat())
    expect(label(page, "End")).to_have_value(quarter.end.isoformat())
    # then the panel shows the last 90 days (NPS 35 from 300) and what the quarter can detect
    figures = page.locator("#goal-figures")
    expect(figures.locator("#figure-n")).to_have_text("300")
    expect(figures.locator("#figure-value")).to_have_text("35.0")
    expect(figures.locator("#figure-expected")).to_contain_text(re.compile(r"About \d+"))
    expect(figures.locator("#figure-detectable")).to_contain_text("points")

    # when the target is typed, the flag follows it: 10 points up is inside the noise of
    # about 300 more answers (the detectable change is near 15 points)
    with page.expect_response(lambda r: "/goals/preview?" in r.url):
        label(page, "Target").fill("45")
    expect(figures.locator("#figure-flag")).to_contain_text(
        re.compile(r"A target of 45.0 cannot be told from noise with about \d+ responses")
    )
    with page.expect_response(lambda r: "/goals/preview?" in r.url):
        label(page, "Target").fill("55")
    expect(figures.locator("#figure-flag")).to_contain_text("outside the noise band")
    with page.expect_response(lambda r: "/goals/preview?" in r.url):
        label(page, "Target").fill("45")
    expect(figures.locator("#figure-flag")).to_contain_text("cannot be told from noise")
    # and the suggested baseline is used
    page.get_by_role("button", name="Use as baseline").click()
    expect(label(page, "Baseline")).to_have_value("35.0")
    label(page, "Stretch").fill("50")
    page.locator("#goal-figures-title").scroll_into_view_if_needed()
    shoot(page, "live-figures")
    assert page.cx_errors == []

    # when saved
    page.get_by_role("button", name="Save goal").click()
    page.wait_for_url(re.compile(r".*/goals/\d+$"))

    # then the goal is what the lead chose, Product invited
    goal = Goal.objects.get()
    assert page.url.endswith(f"/goals/{goal.pk}")
    assert (goal.name, goal.metric, goal.baseline, goal.target, goal.stretch) == (
        NAME,
        "nps",
        35.0,
        45.0,
        50.0,
    )
    assert (goal.start, goal.end) == (quarter.start, quarter.end)
    assert [d.slug for d in goal.departments.all()] == ["support"]
    assert GoalInvitation.objects.get().department.slug == "product"
    page.context.close()


def test_without_javascript_the_buttons_post_back(browser, live_server, data):
    page = open_page(browser, live_server, "lead", javascript=False)
    quarter = periods.preset("next_quarter", today())

    # when a preset is pressed on a form with only a name
    label(page, "Name").fill(NAME)
    page.get_by_role("button", name="Next quarter").click()

    # then the page comes back with the dates filled, nothing saved, nothing complained about
    expect(label(page, "Start")).to_have_value(quarter.start.isoformat())
    expect(label(page, "End")).to_have_value(quarter.end.isoformat())
    expect(label(page, "Name")).to_have_value(NAME)
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    expect(page.locator("#figure-expected")).to_contain_text(re.compile(r"About \d+"))
    assert not Goal.objects.exists()

    # when the target is typed and the figures updated, then the baseline used
    label(page, "Target").fill("45")
    page.get_by_role("button", name="Update figures").click()
    expect(page.locator("#figure-flag")).to_contain_text("A target of 45.0")
    page.get_by_role("button", name="Use as baseline").click()
    expect(label(page, "Baseline")).to_have_value("35.0")
    shoot(page, "no-javascript")

    # and a target out of range is shown next to Target when saving
    label(page, "Target").fill("150")
    page.get_by_role("button", name="Save goal").click()
    expect(page.locator("#id_target_error_1")).to_have_text("Must be between -100 and 100 for NPS.")
    expect(label(page, "Target")).to_have_value("150")
    expect(page.locator("#figure-n")).to_have_text("300")  # the figures stand without it
    label(page, "Target").scroll_into_view_if_needed()
    shoot(page, "error")
    assert not Goal.objects.exists()

    # and fixed, it saves
    label(page, "Target").fill("45")
    page.get_by_role("button", name="Save goal").click()
    page.wait_for_url(re.compile(r".*/goals/\d+$"))
    assert Goal.objects.get().baseline == 35.0
    assert page.cx_errors == [] or all("404" in e for e in page.cx_errors)
    page.context.close()


def test_an_executive_is_refused_the_editor(browser, live_server, data):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboards/")
    page.get_by_label("Username").fill("exec")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboards/**")

    response = page.goto(f"{live_server.url}/goals/new")

    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Only team leads and admins")
    shoot(page, "refused")
    context.close()
