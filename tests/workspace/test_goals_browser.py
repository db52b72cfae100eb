"""The goal pages in headless Chromium, as a team lead uses them: Product's lead finds Support's
invitation on /goals/, accepts it, and sees Product taking part on the goal's page. Driven by
labels and roles at 1366x768, under the strict Content-Security-Policy (a violation is a
console error, asserted away). Screenshots: $CX_SHOTS/goals-*.png."""

from __future__ import annotations

import os

import pytest

from cxmetrics.models import Goal
from tests.dashboards.browser import CSP_LISTENER, SHOTS, expect
from tests.dashboards.test_browser import browser  # noqa: F401 (fixture)
from tests.workspace.conftest import logged_in, make_goal, nps_30

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def page(browser, live_server, transactional_db):  # noqa: F811 (the imported fixture)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.cx_errors = errors
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"goals-{name}.png"), full_page=True)


def test_a_lead_accepts_an_invitation_and_sees_the_department_taking_part(page, lead, product_lead):
    # given Support's lead made a shared goal with Product (invited), and 100 answers (NPS 30)
    goal = make_goal(actor=lead, name="NPS >= 45 across all channels", target=45.0)
    nps_30()

    # when Product's lead opens the goals page
    logged_in(page, product_lead)
    page.goto("/goals/")
    invitations = page.get_by_role("region", name="Invitations waiting for you")
    expect(invitations.get_by_role("link", name="NPS >= 45 across all channels")).to_be_visible()
    shot(page, "list-invitation")

    # and accepts
    invitations.get_by_role("button", name="Accept").click()

    # then the goal's page shows Product taking part, with who accepted
    page.wait_for_url(f"**/goals/{goal.pk}")
    expect(page.get_by_role("status")).to_contain_text("Product now takes part")
    taking_part = page.locator("#taking-part")
    expect(taking_part).to_contain_text("Product accepted by product_lead")
    expect(taking_part).to_contain_text("Support")
    expect(page.get_by_text(f"Goal id {goal.pk}")).to_be_visible()
    history = page.get_by_role("region", name="History of changes")
    expect(history).to_contain_text("accepted the invitation for Product")
    # a lead who does not own the goal is not offered to edit or archive it
    expect(page.get_by_role("button", name="Archive")).to_have_count(0)
    shot(page, "detail-accepted")
    assert set(Goal.objects.get(pk=goal.pk).departments.values_list("slug", flat=True)) == {
        "support",
        "product",
    }

    # and the list no longer waits for Product's answer
    page.get_by_role("link", name="Goals", exact=True).first.click()
    expect(page.get_by_text("No invitation is waiting for an answer from you.")).to_be_visible()
    assert page.cx_errors == []


def test_the_owner_archives_and_restores_their_goal(page, lead):
    goal = make_goal(actor=lead, name="Support NPS to 40", departments=["support"])
    make_goal(actor=lead, name="Shared NPS to 35", target=35.0)
    nps_30()
    logged_in(page, lead)
    page.goto("/goals/")
    shot(page, "list-owner")
    page.get_by_role("link", name="Support NPS to 40").click()
    shot(page, "detail-owner")
    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_role("status")).to_contain_text("is archived")
    page.goto("/goals/")
    expect(page.get_by_role("link", name="Support NPS to 40")).to_have_count(0)
    page.get_by_role("link", name="Show archived").click()
    page.get_by_role("link", name="Support NPS to 40").click()
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("status")).to_contain_text("is restored")
    latest = page.get_by_role("region", name="History of changes").get_by_role("row").nth(1)
    expect(latest.get_by_role("cell").nth(1)).to_have_text("lead")
    expect(latest.get_by_role("cell").nth(2)).to_have_text("restored the goal")
    assert Goal.objects.get(pk=goal.pk).archived_at is None
    assert page.cx_errors == []
