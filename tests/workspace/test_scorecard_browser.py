"""The scorecards and the incentives dashboard in headless Chromium, at 1366x768, as an
executive reads them: every department's figures, one department's page, its curves on the
dashboard and back, with nothing refused by the Content-Security-Policy. Screenshots go to
$CX_SHOTS/cards-*.png (for people to look at)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cxmetrics.selectors.dashboards.filters import today
from tests.dashboards.browser import GRAPH, SHOTS, chromium, expect, logged_in_page
from tests.dashboards.incentives_world import incentives_world

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def world(transactional_db, executive):
    return incentives_world(
        start=today() - timedelta(days=15),
        end=today() + timedelta(days=15),
        day=today() - timedelta(days=2),
        gated=True,
    )


@pytest.fixture
def page(browser, live_server, world):
    page = logged_in_page(browser, live_server, "exec", next_path="/scorecards/")
    yield page
    page.context.close()


def _shot(page, name: str, **options) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"cards-{name}.png"), **options)


def test_an_executive_reads_the_scorecards_then_the_curves_and_comes_back(page, live_server):
    # given the scorecards, opened after logging in
    table = page.locator("#scorecards")
    support = table.locator('tr[data-department="support"]')
    # then Support has earned 86% so far of its plan, in money too, and its goal is at risk
    expect(support.locator('td[data-column="earned"]')).to_have_text("86.0% earned so far")
    expect(support.locator('td[data-column="earned_money"]')).to_contain_text("4,300.00 EUR")
    expect(support.locator('td[data-column="goals"]')).to_contain_text("1 at risk")
    expect(support.locator('td[data-column="alignment"]')).to_have_text("100%")
    _shot(page, "scorecards")

    # when Support's scorecard is opened from the table
    support.get_by_role("link", name="Support", exact=True).click()
    page.wait_for_url("**/scorecards/support")

    # then its component says why it pays what it pays
    expect(page.locator(".cx-why").first).to_have_text(
        "between threshold 12 and target 37: measured 30.0"
    )
    expect(page.locator(".cx-earned-money")).to_have_text("4,300.00 EUR")
    _shot(page, "scorecard-support", full_page=True)

    # when its curves are opened on the incentives dashboard
    page.get_by_role("link", name="Incentives dashboard for Support").click()
    page.wait_for_selector(GRAPH, timeout=20_000)
    page.wait_for_load_state("networkidle")

    # then the curve of its component is drawn, "you are here" at the value that pays
    curve = page.locator("#incentives-curve")
    expect(curve).to_contain_text("measured +30.0 pays 86%")
    plans = page.locator("#incentives-plans-page")
    expect(plans.locator('td[data-column="earned_money"]').first).to_have_text("4,300.00 EUR")
    _shot(page, "incentives-support", full_page=True)

    # and "All scorecards" leads back
    page.get_by_role("link", name="All scorecards").click()
    page.wait_for_url("**/scorecards/")
    assert page.cx_errors == []


def test_the_dashboard_draws_the_gated_curve_first_with_both_markers(page, live_server):
    # when the incentives dashboard is opened for every department (from the workspace header)
    page.get_by_role("link", name="Incentives", exact=True).click()
    page.wait_for_selector(GRAPH, timeout=20_000)
    page.wait_for_load_state("networkidle")

    # then the curve drawn is Product's, gated on confidence: the measured value on the curve
    # and the lower bound it pays on, explained in words
    curve = page.locator("#incentives-curve")
    expect(curve).to_contain_text("measured +30.0: 86% on the curve")
    expect(curve).to_contain_text("lower bound +14.7 pays 55.4%")
    expect(curve).to_contain_text("lower bound 14.7")
    assert page.locator(".js-plotly-plot").count() == 4
    # and every department's scorecard is linked from it, and the workspace from its navbar
    links = page.locator("#incentives-scorecards")
    expect(links.get_by_role("link", name="Product")).to_have_attribute(
        "href", "/scorecards/product"
    )
    expect(page.locator(".navbar").get_by_role("link", name="Scorecards")).to_have_attribute(
        "href", "/scorecards/"
    )
    _shot(page, "incentives")
    curve.scroll_into_view_if_needed()
    _shot(page, "incentives-curve")

    # when another component's curve is chosen
    page.locator("#incentives-curve-component").click()
    page.get_by_role("option", name="Support plan · NPS to 44").click()

    # then its curve replaces it
    expect(curve).to_contain_text("measured +30.0 pays 86%")
    assert page.cx_errors == []
