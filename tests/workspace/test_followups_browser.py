"""The follow-up queue in headless Chromium, as Support's lead uses it: a detractor's
follow-up is in Support's queue with its due time; the lead marks it contacted and closes it
as resolved with a root cause; Billing's lead finds nothing to act on. Driven by labels and
roles at 1366x768, under the strict Content-Security-Policy. Screenshots:
$CX_SHOTS/followups-*.png."""

from __future__ import annotations

import os

import pytest

from cxmetrics.models import FollowUp
from tests.dashboards.browser import CSP_LISTENER, SHOTS, expect
from tests.dashboards.test_browser import browser  # noqa: F401 (fixture)
from tests.workspace.conftest import logged_in, make_followup

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def new_page(browser, live_server):  # noqa: F811 (the imported fixture)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.cx_errors = errors
    return context, page


@pytest.fixture(autouse=True)
def defaults(transactional_db, org, monkeypatch):
    """The default rules and root causes (a flushed database between live-server tests loses
    what migration 0013 wrote), and nothing queued on commit."""
    from cxmetrics import enqueue
    from cxmetrics.services.followups import ensure_defaults

    ensure_defaults()
    monkeypatch.setattr(enqueue, "publish", lambda name, *args: None)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"followups-{name}.png"), full_page=True)


def test_a_lead_contacts_and_closes_a_detractor_and_billing_cannot_act(
    browser,  # noqa: F811
    live_server,
    lead,
    billing_lead,
):
    from datetime import timedelta

    # given a detractor with a comment, due in 5 hours, and an overdue one of Support
    followup = make_followup(
        comment="Waited 40 minutes on the phone, then the line dropped. Call me back.",
        channel="phone",
        handled_by="ai_to_human",
        agent_ref="agent-17",
    )
    make_followup(due_in=-timedelta(hours=3), priority="high", comment="Wrong invoice twice.")

    # when Support's lead opens the queue
    context, page = new_page(browser, live_server)
    logged_in(page, lead)
    page.goto("/followups/")
    page.get_by_role("link", name="Follow-ups", exact=True).first.wait_for()
    table = page.get_by_role("table")
    row = table.get_by_role("row").filter(
        has=page.get_by_role("link", name=str(followup.pk), exact=True)
    )
    # then it is there with its due time, after the overdue one
    expect(row).to_contain_text("due in 5 h")
    expect(row).to_contain_text("Waited 40 minutes")
    expect(row).to_contain_text("AI escalated to human")
    expect(table.get_by_role("row").nth(1)).to_contain_text("overdue by 3 h")
    shot(page, "queue")

    # when the lead opens it and marks it contacted
    row.get_by_role("link", name=str(followup.pk), exact=True).click()
    page.wait_for_url(f"**/followups/{followup.pk}")
    change = page.get_by_role("region", name="Change")
    change.get_by_label("Status").select_option(label="Contacted")
    change.get_by_label("Assignee").select_option(label="lead")
    change.get_by_label("Note").fill("Called back, refund agreed.")
    change.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text(f"Follow-up {followup.pk} saved.")

    # and tries to close it without a root cause: the error is next to the field
    close = page.get_by_role("region", name="Close")
    close.get_by_label("Outcome").select_option(label="Resolved")
    close.get_by_role("button", name="Close the follow-up").click()
    expect(page.get_by_text("Closing needs a root cause.")).to_be_visible()
    shot(page, "close-error")
    # the refused form answers 400, which the browser logs as an error: that one is expected
    assert page.cx_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    page.cx_errors.clear()

    # then closes it as resolved with a root cause
    close = page.get_by_role("region", name="Close")
    close.get_by_label("Outcome").select_option(label="Resolved")
    close.get_by_label("Root cause").select_option(label="Slow response")
    close.get_by_role("button", name="Close the follow-up").click()
    expect(page.get_by_role("status")).to_contain_text(f"Follow-up {followup.pk} closed.")
    history = page.get_by_role("region", name="History of changes")
    expect(history.get_by_role("row").nth(1)).to_contain_text("lead")
    expect(history.get_by_role("row").nth(1)).to_contain_text("outcome none → resolved")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    shot(page, "detail-closed")
    stored = FollowUp.objects.get(pk=followup.pk)
    assert (stored.status, stored.outcome, stored.root_cause.name) == (
        "closed",
        "resolved",
        "Slow response",
    )
    assert stored.first_contact_at is not None and stored.assignee == lead
    assert page.cx_errors == []
    context.close()

    # and Billing's lead neither sees it in the queue nor may open it
    context, page = new_page(browser, live_server)
    logged_in(page, billing_lead)
    page.goto("/followups/?status=any")
    expect(page.get_by_text("No follow-up matches these filters.")).to_be_visible()
    shot(page, "billing-lead-queue")
    answer = page.goto(f"/followups/{followup.pk}")
    assert answer.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    shot(page, "billing-lead-404")
    # opened, contacted, closed: nothing by Billing
    assert FollowUp.objects.get(pk=followup.pk).history.count() == 3
    context.close()


def test_bulk_close_in_the_browser(browser, live_server, lead):  # noqa: F811
    first, second = make_followup(), make_followup(comment="Second one")
    context, page = new_page(browser, live_server)
    logged_in(page, lead)
    page.goto("/followups/")
    page.get_by_label(f"Select follow-up {first.pk}").check()
    page.get_by_label(f"Select follow-up {second.pk}").check()
    bulk = page.get_by_role("group", name="With the selected")
    bulk.get_by_label("Close with outcome").select_option(label="Customer unreachable")
    bulk.get_by_label("Root cause").select_option(label="Other")
    shot(page, "bulk-selected")
    bulk.get_by_role("button", name="Apply to the selected").click()
    expect(page.get_by_role("status")).to_contain_text(
        "2 follow-ups closed as customer unreachable."
    )
    expect(page.get_by_text("No follow-up matches these filters.")).to_be_visible()
    assert set(FollowUp.objects.values_list("outcome", flat=True)) == {"unreachable"}
    assert page.cx_errors == []
    context.close()
