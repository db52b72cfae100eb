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
