"""GET /goals/preview: the goal editor's live figures as JSON (what goal_form.js fetches).

Data: a week ago, 50 promoters, 30 passives and 20 detractors (NPS 30) on web. Over the last
90 days: n = 100, NPS 30, margin 1.959964 * 100 * sqrt(0.61/100) = 15.3079 -> [14.6921,
45.3079]; rate 100/90 a day. Q4 2026 (92 days) expects 100/90 * 92 = 102.222; detectable
2.801585 * 100 * sqrt(0.0061 + 0.0059674) = 2.801585 * 10.9852 = 30.7759 points.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from cxmetrics.selectors.dashboards.filters import today
from tests.factories import make_user
from tests.goals.conftest import store

Q4 = "start=2026-10-01&end=2026-12-31"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def recent(org):
    day = today() - timedelta(days=7)
    store(scores=[9] * 50 + [7] * 30 + [3] * 20, metric="nps", day=day, channel="web")


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def test_the_figures_of_a_scope_and_period(lead_client, recent, django_assert_max_num_queries):
    # when (the session, the user's roles, the channel choices and one rollup read)
    with django_assert_max_num_queries(6):
        response = lead_client.get(f"/goals/preview?metric=nps&channels=web&{Q4}&target=45")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["n"] == 100
    assert body["value"] == pytest.approx(30.0)
    assert body["low"] == pytest.approx(14.6921, abs=1e-4)
    assert body["high"] == pytest.approx(45.3079, abs=1e-4)
    assert body["per_day"] == pytest.approx(100 / 90)
    assert body["expected_n"] == pytest.approx(102.222, abs=1e-3)
    assert body["detectable"] == pytest.approx(30.7759, abs=1e-4)
    assert body["band"] == pytest.approx([30 - 30.7759, 30 + 30.7759], abs=1e-4)
    assert body["flag"] == "cannot be told from noise with about 102 responses"
    assert body["suggested_baseline"] == 30.0
    assert body["window"]["end"] == today().isoformat()
    # and the panel as the page shows it
    assert "A target of 45.0 cannot be told from noise with about 102 responses." in body["html"]
    assert 'name="use_baseline" value="30.0"' in body["html"]


def test_a_target_far_enough_is_not_flagged(lead_client, recent):
    body = lead_client.get(f"/goals/preview?metric=nps&{Q4}&target=65").json()

    assert body["flag"] is None
    assert "outside the noise band" in body["html"]


def test_the_scope_departments_ride_along(lead_client, recent):
    assert lead_client.get("/goals/preview?metric=nps&scope_departments=support").json()["n"] == 100
    assert lead_client.get("/goals/preview?metric=nps&scope_departments=billing").json()["n"] == 0


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("", "metric", "Choose a metric."),
        ("metric=nothing", "metric", "Choose a metric."),
        ("metric=nps&target=150", "target", "Must be between -100 and 100 for NPS."),
        ("metric=nps&target=lots", "target", "Type a number, such as 45 or 4.5."),
        ("metric=nps&start=2026-10-01&end=2026-09-30", "end", "Must be on or after the start."),
        ("metric=nps&start=tomorrow", "start", "Type a date as YYYY-MM-DD, or pick one."),
    ],
)
def test_bad_input_is_400_with_the_fields_messages(lead_client, org, query, field, message):
    response = lead_client.get(f"/goals/preview?{query}")

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {field: [message]}
    assert message in body["html"]


def test_an_unknown_channel_is_400(lead_client, org):
    response = lead_client.get("/goals/preview?metric=nps&channels=fax")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["channels"]


def test_only_get(lead_client, org):
    assert lead_client.post("/goals/preview", {"metric": "nps"}).status_code == 405


def test_anonymous_is_sent_to_log_in(client, org):
    response = client.get("/goals/preview?metric=nps")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/goals/preview")


@pytest.mark.parametrize("role", ["executive", "integrator"])
def test_readers_and_integrators_are_refused(client, org, role):
    client.force_login(make_user(role, role=role))

    assert client.get("/goals/preview?metric=nps").status_code == 403
