"""Login, the summary page and the health check."""

import pytest

from cxmetrics.models import WorkerHeartbeat
from tests.factories import PASSWORD, make_responses, make_user


def test_every_page_requires_login(client, org):
    for path in ("/", "/summary", "/admin/"):
        response = client.get(path)
        if response.status_code == 404:
            continue
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_login_page_is_public_and_logs_in(client, org):
    make_user("ann", role="executive")
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    assert response.status_code == 302


def test_the_summary_shows_each_metric_with_n_and_interval(client, executive):
    # given 4 NPS answers on web: two promoters, one passive, one detractor
    make_responses(scores=[10, 9, 7, 2], metric="nps", channel="web")
    client.force_login(executive)

    # when the executive opens the summary
    page = client.get("/summary", follow=True).content.decode()

    # then NPS 25.0 shows with its n and a small-sample warning
    assert "25.0" in page
    assert "n = 4" in page
    assert "Small sample" in page


@pytest.mark.parametrize("role", ["integrator", None])
def test_people_without_a_reading_role_cannot_see_figures(client, org, role):
    client.force_login(make_user(role=role))
    assert client.get("/summary", follow=True).status_code == 403


def test_healthz_reports_database_and_broker(client, db):
    # a worker that beat just now (with a broker configured, /healthz also checks workers)
    WorkerHeartbeat.objects.create(worker="w1@a")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "eager (no broker configured)"}
