"""Webhooks in the admin: the admin role only; the signing secret shown once, on creation or
rotation, never on the change page; the delivery log read only, filtered by status and event."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from cxmetrics.models import WebhookDelivery, WebhookEndpoint
from cxmetrics.services import webhooks
from tests.factories import make_user
from tests.webhooks.conftest import make_endpoint

pytestmark = pytest.mark.django_db

ADD = "/admin/cxmetrics/webhookendpoint/add/"
LIST = "/admin/cxmetrics/webhookendpoint/"
LOG = "/admin/cxmetrics/webhookdelivery/"


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def form(**overrides) -> dict:
    return {
        "name": "Zendesk",
        "url": "https://desk.example.com/hooks/cx",
        "events": "followup.opened, followup.overdue",
        "active": "on",
        **overrides,
    }


def test_adding_an_endpoint_shows_its_secret_once(admin_client):
    # when
    page = admin_client.post(ADD, form())
    # then the answer is the secret page, not cached
    assert page.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["followup.opened", "followup.overdue"]
    assert endpoint.created_by.username == "root"
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) == 6 + 64
    assert endpoint.secret in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "not shown again" in page.content.decode()
    # and no other page shows it
    for url in (LIST, f"{LIST}{endpoint.pk}/change/"):
        answer = admin_client.get(url)
        assert answer.status_code == 200
        assert endpoint.secret not in answer.content.decode()
        assert endpoint.secret_salt not in answer.content.decode()


def test_plain_http_to_another_host_and_bad_event_names_are_refused_next_to_the_field(
    admin_client,
):
    page = admin_client.post(ADD, form(url="http://desk.example.com/h", events="Opened"))
    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert errors["url"] == [
        "Use an https:// URL (plain http is allowed to 127.0.0.1 and localhost only)."
    ]
    assert errors["events"] == [
        "'Opened' is not an event name (dotted lower-case words, e.g. followup.opened)."
    ]
    assert not WebhookEndpoint.objects.exists()


def test_rotating_shows_a_new_secret_once_and_signs_with_it(admin_client):
    # given
    endpoint = make_endpoint("https://desk.example.com/h")
    old = endpoint.secret
    # when
    page = admin_client.post(LIST, {"action": "rotate_secret", "_selected_action": [endpoint.pk]})
    # then
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in page.content.decode()
    assert old not in page.content.decode()


def test_a_test_event_can_be_sent_from_the_list(admin_client):
    endpoint = make_endpoint("https://desk.example.com/h")
    admin_client.post(LIST, {"action": "send_ping", "_selected_action": [endpoint.pk]})
    assert list(WebhookDelivery.objects.values_list("event", "endpoint")) == [
        ("webhook.ping", endpoint.pk)
    ]


def test_the_delivery_log_is_read_only_and_filters_by_status_and_event(admin_client):
    # given
    endpoint = make_endpoint("https://desk.example.com/h", events=["*"])
    (opened,) = webhooks.queue_event(event="followup.opened", payload={"id": 1})
    webhooks.queue_event(event="followup.closed", payload={"id": 1})
    WebhookDelivery.objects.filter(pk=opened.pk).update(
        status="failed",
        attempts=1,
        last_status_code=404,
        attempt_log=[
            {
                "at": "2026-03-02T09:00:00+00:00",
                "status_code": 404,
                "error": "HTTP 404: <b>gone</b>",
                "ms": 12,
            }
        ],
    )
    # when / then
    failed = admin_client.get(LOG, {"status__exact": "failed"})
    assert list(failed.context["cl"].queryset) == [WebhookDelivery.objects.get(pk=opened.pk)]
    closed = admin_client.get(LOG, {"event": "followup.closed"})
    assert [d.event for d in closed.context["cl"].queryset] == ["followup.closed"]
    detail = admin_client.get(f"{LOG}{opened.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "HTTP 404: &lt;b&gt;gone&lt;/b&gt;" in html  # escaped
    assert 'name="_save"' not in html  # view only
    assert admin_client.get(f"{LOG}add/").status_code == 403
    assert admin_client.post(f"{LOG}{opened.pk}/delete/").status_code == 403
    assert endpoint.deliveries.count() == 2


def test_a_staff_lead_with_every_model_permission_is_kept_out(client, org):
    # given a staff team lead holding every permission on these tables
    lead = make_user("staffed", role="team_lead", leads=["support"])
    lead.is_staff = True
    lead.save()
    lead.user_permissions.set(
        Permission.objects.filter(
            content_type__model__in=["webhookendpoint", "webhookdelivery", "notificationlog"]
        )
    )
    endpoint = make_endpoint("https://desk.example.com/h")
    client.force_login(lead)
    # when / then
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{endpoint.pk}/change/").status_code == 403
    assert client.post(ADD, form()).status_code == 403
    assert client.get(LOG).status_code == 403
    assert client.get("/admin/cxmetrics/notificationlog/").status_code == 403
    assert WebhookEndpoint.objects.count() == 1
