"""Every dashboard page in headless Chromium against a live server: log in, wait for the
graphs, check the headline numbers against the API for the same filters, no console errors,
and nothing refused by the Content-Security-Policy (each violation is logged as an error)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from cxmetrics.models import Department, Goal, IncentivePlan, PlanComponent
from cxmetrics.selectors.dashboards.filters import today
from tests.dashboards.browser import (
    GRAPH,
    chromium,
    expect,
    is_strict,
    logged_in_page,
    new_context,
)
from tests.dashboards.conftest import respond
from tests.factories import PASSWORD

# PostgreSQL too: Dash fires its callbacks concurrently, and live_server's threads would share
# SQLite's single in-memory test connection (the run hangs); on PostgreSQL each thread has its own.
pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def data(transactional_db, executive, lead):
    respond([10] * 30 + [6] * 10, ago=2, metric="nps", channel="web")
    respond([9] * 20 + [2] * 25, ago=3, metric="nps", channel="chat")
    respond(
        [5] * 10 + [1] * 30,
        ago=2,
        metric="csat",
        channel="chat",
        handled_by="ai",
        comment="The chatbot was useless, awful experience.",
    )
    respond([5] * 35 + [2] * 5, ago=2, metric="csat", channel="chat", handled_by="human")
    respond([5] * 10, ago=4, metric="csat", channel="chat", handled_by="ai_to_human")
    goal = Goal.objects.create(
        name="Chat CSAT to 60",
        metric="csat",
        baseline=40,
        target=60,
        start=today() - timedelta(days=10),
        end=today() + timedelta(days=20),
        owner=lead,
    )
    goal.departments.set(Department.objects.filter(slug__in=["support", "billing"]))
    plan = IncentivePlan.objects.create(
        name="Support plan",
        department=Department.objects.get(slug="support"),
        period_start=today() - timedelta(days=10),
        period_end=today() + timedelta(days=20),
    )
    PlanComponent.objects.create(
        plan=plan, goal=goal, weight=100, threshold=40, target=60, stretch=80
    )
    return {"goal": goal, "plan": plan}


@pytest.fixture
def page(browser, live_server, data):
    page = logged_in_page(browser, live_server, "exec")
    yield page
    page.context.close()


def _open(page, live_server, path):
    response = page.goto(f"{live_server.url}/dashboards/{path}")
    page.wait_for_selector(GRAPH, timeout=20_000)
    page.wait_for_load_state("networkidle")
    return response


def _api(page, live_server, path):
    response = page.request.get(f"{live_server.url}/api/v1/{path}")
    assert response.ok, response.text()
    return response.json()


def _figure(page, graph_id):
    return page.evaluate(
        "id => document.getElementById(id).querySelector('.js-plotly-plot').data"
        ".map(t => ({name: t.name, x: t.x, y: t.y}))",
        graph_id,
    )


def _period():
    end = today()
    return f"start={(end - timedelta(days=6)).isoformat()}&end={end.isoformat()}"


def test_an_anonymous_visit_is_sent_to_the_login_page(browser, live_server, transactional_db):
    context = new_context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/dashboards/channels")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    assert page.locator("input[name=password]").count() == 1
    assert errors == []  # the login page asks for nothing that is missing (a favicon, say)
    context.close()


def test_overview_cards_match_the_api(page, live_server):
    # when the overview is opened for the last 7 days
    _open(page, live_server, f"?{_period()}")

    # then each card shows the API's figure for the same filters, and all four graphs drew
    for metric in ("nps", "csat"):
        api = _api(page, live_server, f"metrics/summary?metric={metric}&{_period()}")
        card = page.locator(f"#kpi-{metric}")
        assert float(card.get_attribute("data-score")) == pytest.approx(api["groups"][0]["score"])
        assert int(card.get_attribute("data-n")) == api["groups"][0]["n"]
    assert page.locator(".js-plotly-plot").count() == 2
    assert page.cx_errors == []


@pytest.mark.parametrize(
    "path", ["", "channels", "automation", "goals", "incentives", "voice", "followups"]
)
def test_a_page_arrives_drawn_and_only_filter_changes_call_back(page, live_server, path):
    # given a record of Dash's requests
    requests: list[str] = []
    scripts: list[str] = []
    page.on("request", lambda r: requests.append(r.url.rsplit("/", 1)[-1]))
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)

    # when a page is opened
    response = _open(page, live_server, f"{path}?{_period()}")

    # then it was served under the strict policy (and drew without a violation: cx_errors)
    assert is_strict(response.headers["content-security-policy"])
    assert response.headers["x-frame-options"] == "DENY"

    # and every graph came with the page's layout, fetched once (preloaded by the page):
    # no callback round trip before the first paint
    assert page.locator(".js-plotly-plot .main-svg").count() >= 1
    assert requests.count("_dash-layout") == 1
    callbacks = [r for r in requests if r.startswith("_dash-update-component")]
    assert callbacks == []
    # and every script it asked for has a versioned address (cached, never asked for again)
    unversioned = [s for s in scripts if not re.search(r"\.v\d[\w]*m\d+\.|\?m=\d", s)]
    assert unversioned == []
    # and a filter change is answered by a callback
    with page.expect_response(lambda r: "/_dash-update-component" in r.url) as answer:
        page.evaluate(
            "([key]) => dash_clientside.set_props("
            "{type: 'filter', page: key, name: 'department'}, {value: ['support']})",
            [path or "overview"],
        )
    assert answer.value.ok
    page.wait_for_load_state("networkidle")
    assert page.cx_errors == []


def test_a_filter_change_updates_the_url_and_a_shared_url_reloads_it(page, live_server):
    # given the overview
    _open(page, live_server, f"?{_period()}")

    # when the metric is switched to CSAT
    page.locator('button[id*=\'"name":"metric"\'][id*=\'"page":"overview"\']').click()
    page.get_by_role("option", name="CSAT", exact=True).click()
    page.wait_for_url("**metric=csat**")

    # then the address carries it, the links to other pages carry the shared filters only,
    expect(page.locator("#overview-trend")).to_contain_text("CSAT by week")
    channels_link = page.locator("#nav-channels").get_attribute("href")
    assert channels_link.startswith("/dashboards/channels?start=") and "metric" not in channels_link
    # reloading the shared address shows CSAT again,
    page.reload()
    expect(page.locator("#overview-trend")).to_contain_text("CSAT by week")
    # and Back returns to the previous filters
    page.go_back()
    expect(page.locator("#overview-trend")).to_contain_text("NPS by week")
    assert page.cx_errors == []


def test_channels_page_matches_the_api_by_channel(page, live_server):
    _open(page, live_server, f"channels?{_period()}&metric=nps")
    api = _api(page, live_server, f"metrics/summary?metric=nps&group_by=channel&{_period()}")
    expected = {g["label"]: g["score"] for g in api["groups"]}
    dots = _figure(page, "channels-consistency")[0]
    shown = {label.split(" (n=")[0]: x for label, x in zip(dots["y"], dots["x"], strict=True)}
    assert shown == pytest.approx(expected)
    assert page.locator(".js-plotly-plot").count() == 3
    assert page.cx_errors == []


def test_automation_page_matches_the_api_and_flags_chat(page, live_server):
    _open(page, live_server, f"automation?{_period()}&metric=csat")
    api = _api(
        page,
        live_server,
        f"metrics/summary?metric=csat&group_by=handled_by&channel=chat&{_period()}",
    )
    expected = {g["key"]: g["score"] for g in api["groups"]}
    traces = {
        t["name"]: dict(zip(t["x"], t["y"], strict=True))
        for t in _figure(page, "automation-outcomes")
    }
    assert traces["AI"]["Chat"] == pytest.approx(expected["ai"])
    assert traces["Human"]["Chat"] == pytest.approx(expected["human"])
    assert "Over-automation risk" in page.locator("#automation-flags").inner_text()
    assert page.cx_errors == []


def test_voice_page_lists_comments_and_themes(page, live_server):
    _open(page, live_server, f"voice?{_period()}")
    api = _api(
        page, live_server, f"metrics/summary?metric=csat&channel=chat&handled_by=ai&{_period()}"
    )
    caption = page.locator("#voice-caption").inner_text()
    # every AI-handled chat answer carried a comment: the listing counts them all
    assert f"of {api['groups'][0]['n']} comments" in caption
    assert "chatbot" in page.locator("#voice-comments-page").inner_text()
    assert page.cx_errors == []


def test_goals_page_matches_the_goal_progress_api(page, live_server, data):
    _open(page, live_server, f"goals?as_of={today().isoformat()}")
    api = _api(page, live_server, f"goals/{data['goal'].pk}/progress?as_of={today().isoformat()}")
    cell = page.locator('#goals-table-page td[data-column="value"]').first.inner_text()
    assert cell == f"{api['value']:.1f}%"
    n = page.locator('#goals-table-page td[data-column="n"]').first.inner_text()
    assert int(n) == api["n"]
    assert page.cx_errors == []


def test_incentives_page_matches_the_attainment_api(page, live_server, data):
    _open(page, live_server, f"incentives?as_of={today().isoformat()}")
    api = _api(
        page,
        live_server,
        f"incentive-plans/{data['plan'].pk}/attainment?as_of={today().isoformat()}",
    )
    # an open plan has earned so far (nothing is "paid" before its statement)
    earned = page.locator('#incentives-plans-page td[data-column="earned"]').first.inner_text()
    assert earned == f"{api['paid_pct']:.1f}%"
    paid = page.locator('#incentives-plans-page td[data-column="paid"]').first.inner_text()
    assert paid == "–"
    # and every graph drew, the payout curve among them
    assert page.locator(".js-plotly-plot").count() == 4
    curve = {trace["name"]: trace for trace in _figure(page, "incentives-curve")}
    # with "you are here" at the measured value and at the lower bound the plan pays on
    part = api["components"][0]
    assert curve["you are here"]["x"] == pytest.approx([part["measured"], part["paid_on"]])
    assert page.cx_errors == []


@pytest.fixture
def followups(data):
    """The default rules (the flush of each transactional test removed the migration's) open
    follow-ups for the detractors of `data`; one is closed resolved, on time."""
    from django.utils import timezone

    from cxmetrics.models import FollowUp, RootCause
    from cxmetrics.services.followups import ensure_defaults, note_all_responses, open_followups

    ensure_defaults()
    note_all_responses()
    open_followups()
    FollowUp.objects.filter(pk=FollowUp.objects.earliest("pk").pk).update(
        status="closed",
        outcome="resolved",
        closed_at=timezone.now(),
        root_cause=RootCause.objects.get(name="Slow response"),
    )


def test_followups_page_draws_its_four_graphs_as_the_api_counts(page, live_server, followups):
    # given the detractors of `data` opened follow-ups, one closed
    _open(page, live_server, f"followups?{_period()}&grain=day")
    api = _api(page, live_server, f"followups/summary?group_by=department&{_period()}")
    assert api["overall"]["opened"] > 0

    # then the four graphs drew, the open bars are the API's, and n is stated
    assert page.locator(".js-plotly-plot .main-svg").count() >= 4
    bars = _figure(page, "followups-open")[0]
    assert dict(zip(bars["x"], bars["y"], strict=True)) == {
        g["label"]: g["open"] for g in api["groups"]
    }
    expect(page.locator("#followups-on-time")).to_contain_text(
        f"n = {api['overall']['opened']:,} opened"
    )
    causes = _figure(page, "followups-causes")[0]
    assert (causes["y"], causes["x"]) == (["Slow response"], [1])
    assert page.cx_errors == []


def test_a_table_pages_its_rows_and_exports_them_all_as_csv(page, live_server):
    # given the voice page, whose table lists customers' own words, a page at a time
    _open(page, live_server, f"voice?{_period()}")
    shown = page.locator("#voice-comments-page tbody tr")
    count = page.locator("#voice-comments-count").inner_text()
    total = int(count.rsplit(" ", 1)[-1]) if " of " in count else int(count.split()[0])
    assert 0 < shown.count() <= 12 and shown.count() == min(total, 12)

    # when its "Export CSV" button is pressed
    with page.expect_download() as download:
        page.click("#voice-comments-export")

    # then the file holds the header and every row, the first as the table shows it
    assert download.value.suggested_filename == "cxmetrics-voice-comments.csv"
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    headers = page.locator("#voice-comments-page thead th").all_inner_texts()
    assert rows[0] == headers and len(rows) == total + 1
    assert rows[1] == [cell.strip() for cell in shown.first.locator("td").all_inner_texts()]
    # and its cells follow the rule of every other export (cxmetrics/csvsafe.py)
    shared = Path(__file__).resolve().parents[1] / "payloads/csv-formula-cases.json"
    cases = json.loads(shared.read_text())["cases"]
    cells = page.evaluate("cases => cases.map(c => dash_clientside.cx.csvCell(c.value))", cases)
    assert cells == [case["cell"] for case in cases]
    # and when there are more rows than a page, the pager shows the next ones
    if total > 12:
        page.click("#voice-comments-pager >> text=›")
        expect(page.locator("#voice-comments-count")).to_contain_text("rows 13–")
    assert page.cx_errors == []


def test_an_inline_script_without_the_nonce_is_refused(page, live_server):
    # given the overview, drawn under its policy
    _open(page, live_server, f"?{_period()}")
    assert page.cx_errors == []

    # when a script without the page's nonce is slipped in (as an injection would)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.cxInjected = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)  # the violation event is dispatched asynchronously

    # then it does not run, and the violation is reported
    assert page.evaluate("() => window.cxInjected") is None
    assert any(e.startswith("CSP violation: script-src") for e in page.cx_errors), page.cx_errors


def test_swagger_ui_lists_the_operations_under_the_policy(page, live_server):
    # when the API docs are opened by a logged-in person
    response = page.goto(f"{live_server.url}/api/docs/")

    # then Swagger UI starts (its start-up script is a file), lists every operation, opens one,
    # and nothing was refused
    assert is_strict(response.headers["content-security-policy"])
    page.wait_for_selector(".opblock", timeout=20_000)
    page.wait_for_load_state("networkidle")
    assert page.locator(".opblock").count() >= 20
    page.locator(".opblock-summary", has_text="/api/v1/metrics/summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert page.cx_errors == []


def test_the_admin_works_under_the_policy(browser, live_server, transactional_db, executive):
    # given an administrator
    from django.contrib.auth.models import User

    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    context = new_context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # when they log in to the admin and open a list and a form
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/admin/auth/user/")
    page.goto(f"{live_server.url}/admin/auth/user/{executive.pk}/change/")
    page.wait_for_load_state("networkidle")

    # then nothing was refused (the admin's pages name no icon: the browser's guess at
    # /favicon.ico answers 404, which is no matter of the policy)
    assert [e for e in errors if "Content Security Policy" in e or "CSP violation" in e] == []
    assert "Change user" in page.title()
    context.close()
