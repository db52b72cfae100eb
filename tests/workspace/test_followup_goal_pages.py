"""A goal on `followup_on_time` in the workspace: offered by the editor, its live figures
about follow-ups, its page showing the rate with n and interval.

Data: ten follow-ups of Support opened five days ago (tests.goals.conftest.support_ten): 7
closed on time, 2 late, 1 open past due: 70.0%, n = 10, Wilson 95% [39.677815, 89.220873]
(tests/goals/test_followup_goals.py works it out). Over the last 90 days 10 were opened:
10/90 a day; Q4 2026 (92 days) expects 10/90 * 92 = 10.222; the two-proportion z-test
detects 2.801585 * sqrt(2100/10 + 2100/10.222) = 2.801585 * 20.382217 = 57.102519 points.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cxmetrics.models import Department
from tests.goals.conftest import support_ten
from tests.workspace.conftest import logged_in, make_goal
from tests.workspace.test_goal_pages_list import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten(admin):
    support_ten(admin, opened=timezone.now() - timedelta(days=5))


def test_the_editor_offers_the_on_time_rate(client, lead):
    page = logged_in(client, lead).get("/goals/new").content.decode()
    assert '<option value="followup_on_time">Follow-ups closed on time</option>' in page


def test_the_live_figures_count_follow_ups(client, lead, ten):
    # when the editor asks for Support's on-time rate over Q4 2026 with a target of 75
    answer = logged_in(client, lead).get(
        "/goals/preview?metric=followup_on_time&scope_departments=support"
        "&start=2026-10-01&end=2026-12-31&target=75"
    )
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert (body["value"], body["n"]) == (pytest.approx(70.0), 10)
    assert body["low"] == pytest.approx(39.677815, abs=1e-6)
    assert body["expected_n"] == pytest.approx(10 / 90 * 92)
    assert body["detectable"] == pytest.approx(57.102519, abs=1e-5)
    assert body["flag"] == "cannot be told from noise with about 10 follow-ups"
    panel = text_of(body["html"])
    assert "Follow-ups closed on time over the last 90 days" in panel
    assert "70.0% from 10 follow-ups; 95% interval 39.7% to 89.2%" in panel
    assert "Follow-ups to expect" in panel


def test_the_goal_page_shows_the_rate(client, lead, ten):
    goal = make_goal(
        actor=lead,
        name="Close the loop",
        metric="followup_on_time",
        baseline=60.0,
        target=80.0,
        min_n=10,
        scope_departments=list(Department.objects.filter(slug="support")),
    )
    page = text(logged_in(client, lead).get(f"/goals/{goal.pk}"))
    assert "Metric Follow-ups closed on time" in page
    assert "Measured 70.0% (n = 10, 95% interval 39.7% to 89.2%)" in page


def text_of(html: str) -> str:
    class Answer:
        content = html.encode()

    return text(Answer())
