"""What every browser test uses: Debian's Chromium through Playwright, a context that logs each
Content-Security-Policy violation as a console error, the strict policy's shape, and a login."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.dashboards import CHROMIUM_ARGS  # the bench drives the same Debian Chromium
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the live server is a real thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHOTS = Path(os.environ.get("CX_SHOTS") or Path(tempfile.gettempdir()) / "cxmetrics-shots")
"""Where screenshots go (looked at by people; not part of any assertion): $CX_SHOTS, or
cxmetrics-shots in the temporary directory."""


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


GRAPH = ".js-plotly-plot .main-svg"
# Every CSP violation of a page becomes a console error, which each test asserts away.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', e => console.error(
  `CSP violation: ${e.violatedDirective} refused ${e.blockedURI || 'inline'}`
  + ` at ${e.sourceFile}:${e.lineNumber}`));
"""


def new_context(browser, **options):
    context = browser.new_context(**options)
    context.add_init_script(CSP_LISTENER)
    return context


def is_strict(policy: str) -> bool:
    """Scripts only from here or with the page's nonce; nothing inline, nothing evaluated."""
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    script = directives["script-src"].split()
    return (
        script[0] == "'self'"
        and len(script) == 2
        and script[1].startswith("'nonce-")
        and directives["frame-ancestors"] == "'none'"
        and directives["object-src"] == "'none'"
    )


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, launched as the bench launches it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def logged_in_page(browser, live_server, username: str, *, next_path: str = "/dashboards/"):
    """A 1366x768 page logged in as `username`, on `next_path`, with `page.cx_errors`
    collecting console errors and page errors (CSP violations among them)."""
    context = new_context(browser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.cx_errors = errors
    return page
