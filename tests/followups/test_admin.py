"""The admin lists root causes, rules and follow-ups; follow-ups are read only there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.followups.conftest import opened

pytestmark = pytest.mark.django_db


def test_the_admin_lists_rules_causes_and_follow_ups_read_only(org, no_publish, client):
    followup = opened()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    for url in (
        "/admin/cxmetrics/rootcause/",
        "/admin/cxmetrics/followuprule/",
        "/admin/cxmetrics/followup/",
        f"/admin/cxmetrics/followup/{followup.pk}/history/",
    ):
        assert client.get(url).status_code == 200, url
    answer = client.get("/admin/cxmetrics/followuprule/")
    assert b"NPS detractors (0-6)" in answer.content
    # a follow-up opens as a read-only view (changes go through update_followup)
    page = client.get(f"/admin/cxmetrics/followup/{followup.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
