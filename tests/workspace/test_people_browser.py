"""In headless Chromium, by the forms' labels: an admin invites dana as Product's team lead,
dana opens the link in a browser of her own, sets a password, logs in, opens her profile and
creates an API token that works on the API. No console error, nothing refused by the
Content-Security-Policy. Screenshots at 1366x768 in $CX_SHOTS/people-*.png."""

from __future__ import annotations

import os

import pytest

from tests.dashboards import browser as browser_helpers
from tests.dashboards import test_browser as dashboards
from tests.dashboards.browser import SHOTS
from tests.factories import PASSWORD, make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

VIEWPORT = {"width": 1366, "height": 768}
# The dashboards' browser fixture (Debian chromium, CHROMIUM_ARGS, one per module), their
# listener that logs each CSP violation as a console error, and Playwright's expect.
browser = dashboards.browser
CSP_LISTENER = browser_helpers.CSP_LISTENER
expect = browser_helpers.expect


def _page(browser, errors: list[str]):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/profile/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/profile/")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"people-{name}.png"))


def test_an_admin_invites_dana_who_sets_a_password_and_makes_a_token(
    transactional_db, org, browser, live_server
):
    make_user("boss", role="admin")
    make_user("lead", role="team_lead", leads=["support"])
    base = live_server.url
    errors: list[str] = []

    # given the admin on the people page
    admin = _page(browser, errors)
    _log_in(admin, base, "boss", PASSWORD)
    admin.goto(f"{base}/people/")
    expect(admin.get_by_role("heading", name="People", exact=True)).to_be_visible()

    # when they invite dana as team lead of Product
    admin.get_by_label("Username").fill("dana")
    admin.get_by_label("Email").fill("dana@example.com")
    admin.get_by_label("Role").select_option(label="Team lead")
    admin.get_by_role("group", name="Departments led").get_by_label("Product").check()
    admin.get_by_role("button", name="Invite").scroll_into_view_if_needed()
    _shot(admin, "invite-form")
    admin.get_by_role("button", name="Invite").click()

    # then the page shows the link once, and dana in the list
    link_box = admin.get_by_label("Link to set a password")
    expect(link_box).to_be_visible()
    link = link_box.input_value()
    assert link.startswith(f"{base}/accounts/reset/")
    row = admin.get_by_role("row").filter(has_text="dana@example.com")
    expect(row).to_contain_text("Team lead")
    expect(row).to_contain_text("Product")
    expect(row).to_contain_text("never")
    _shot(admin, "invited")

    # when dana opens the link in a browser of her own and chooses a password
    dana = _page(browser, errors)
    dana.goto(link)
    expect(dana.get_by_role("heading", name="Set your password")).to_be_visible()
    dana.get_by_label("New password", exact=True).fill("quiet river 77 stones")
    dana.get_by_label("New password confirmation").fill("quiet river 77 stones")
    _shot(dana, "set-password")
    dana.get_by_role("button", name="Set password").click()
    expect(dana.get_by_role("heading", name="Your password is set")).to_be_visible()

    # then she logs in with it, and her profile says who she is
    dana.get_by_role("link", name="Log in").click()
    dana.get_by_label("Username").fill("dana")
    dana.get_by_label("Password", exact=True).fill("quiet river 77 stones")
    dana.get_by_role("button", name="Log in").click()
    dana.goto(f"{base}/profile/")
    expect(dana.get_by_role("heading", name="dana")).to_be_visible()
    expect(dana.locator(".cx-me")).to_contain_text("Team lead")
    expect(dana.locator(".cx-me")).to_contain_text("Departments I lead")
    expect(dana.locator(".cx-me")).to_contain_text("Product")

    # when she creates an API token
    dana.get_by_role("button", name="Create token").click()

    # then it is shown once, and it reads the API as her
    token = dana.get_by_label("New API token").input_value()
    assert len(token) == 64
    expect(dana.get_by_role("table", name="My API tokens")).to_contain_text(token[:8])
    _shot(dana, "profile-token")
    answer = dana.request.get(f"{base}/api/v1/goals", headers={"Authorization": f"Token {token}"})
    assert answer.status == 200

    # and the admin sees her last login
    admin.goto(f"{base}/people/")
    expect(admin.get_by_role("row").filter(has_text="dana@example.com")).not_to_contain_text(
        "never"
    )
    admin.get_by_role("link", name="dana").click()
    expect(admin.get_by_label("Role")).to_have_value("team_lead")
    _shot(admin, "person")
    assert errors == []
