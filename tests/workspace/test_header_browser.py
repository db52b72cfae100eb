"""The workspace's header at 1366x768 in headless Chromium: the words of its controls stay on
one line each (a "Log out" broken into "Log" over "out" doubled the header's height), and its
links share one row, for the longest demo username."""

from __future__ import annotations

import pytest

from tests.dashboards.browser import chromium, new_context
from tests.workspace.conftest import logged_in

pytestmark = pytest.mark.browser

LINES = """node => { const range = document.createRange(); range.selectNodeContents(node);
  return range.getClientRects().length; }"""


def test_the_header_is_one_row_at_1366(live_server, billing_lead):
    with chromium() as browser:
        context = new_context(
            browser, base_url=live_server.url, viewport={"width": 1366, "height": 768}
        )
        page = logged_in(context.new_page(), billing_lead)
        page.goto("/goals/")

        button = page.get_by_role("button", name="Log out")

        assert button.evaluate(LINES) == 1
        assert page.locator("#nav-user").evaluate(LINES) == 1
        first = page.get_by_role("link", name="Overview").bounding_box()
        last = page.get_by_role("link", name="Follow-ups").bounding_box()
        assert last["y"] == first["y"]  # the last link did not wrap to a second row
        context.close()
