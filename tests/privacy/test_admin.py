"""The admin shows the privacy audit trail, read only."""

from __future__ import annotations

from cxmetrics.services.personal_data import customer_ref
from cxmetrics.services.privacy import erase_customer
from tests.factories import make_user


def test_the_audit_trail_is_listed_and_read_only(org, client):
    # given an erasure and a superuser
    event = erase_customer(customer_id="cust-42", actor="manage.py", reason="ticket 81")
    root = make_user("root")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    base = "/admin/cxmetrics/privacyevent/"
    # when / then: listed with the hash, never the id
    listing = client.get(base)
    assert listing.status_code == 200
    assert customer_ref("cust-42") in listing.content.decode()
    assert "cust-42" not in listing.content.decode()
    # and nothing can be added, changed or deleted
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    detail = client.get(f"{base}{event.pk}/change/")
    assert detail.status_code == 200 and 'name="reason"' not in detail.content.decode()


def _root(client):
    root = make_user("root")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    return root


def test_an_admin_erases_a_customer_from_the_admin(
    org, client, api, django_capture_on_commit_callbacks
):
    # given two responses of cust-42 and one of another customer
    from cxmetrics.models import PrivacyEvent, Response

    items = [
        {"external_id": f"e{i}", "metric": "nps", "score": 9, "channel": "chat",
         "occurred_at": "2025-04-01T12:00:00Z", "customer_id": who}
        for i, who in enumerate(["cust-42", "cust-42", "cust-7"])
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/v1/responses", items, format="json").status_code == 201
    root = _root(client)
    page = "/admin/cxmetrics/privacyevent/erase/"
    # the audit trail links to the form, whose controls are labelled
    assert page in client.get("/admin/cxmetrics/privacyevent/").content.decode()
    form = client.get(page).content.decode()
    assert '<label for="id_customer_id">Customer id:</label>' in form
    assert 'name="csrfmiddlewaretoken"' in form
    # when the form is sent without the confirmation, nothing is erased and the field says why
    refused = client.post(page, {"customer_id": "cust-42"})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert Response.objects.count() == 3
    # when it is confirmed
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            page, {"customer_id": "cust-42", "reason": "ticket 9", "confirm": "on"}, follow=True
        )
    # then cust-42's two responses are gone, recorded as done by this admin
    assert "Erased 2 response(s)" in done.content.decode()
    assert list(Response.objects.values_list("external_id", flat=True)) == ["e2"]
    event = PrivacyEvent.objects.get()
    assert (event.actor, event.responses, event.reason) == (root, 2, "ticket 9")


def test_only_the_admin_role_may_erase_from_the_admin(org, client):
    # given a staff team lead (the admin lets staff in; the page asks for the admin role)
    lead = make_user("staffed", role="team_lead", leads=["support"])
    lead.is_staff = True
    lead.save()
    client.force_login(lead)
    # when / then
    page = "/admin/cxmetrics/privacyevent/erase/"
    assert client.get(page).status_code == 403
    assert client.post(page, {"customer_id": "x", "confirm": "on"}).status_code == 403
