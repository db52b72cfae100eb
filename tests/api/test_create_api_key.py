"""`manage.py create_api_key SOURCE_SLUG [--name]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from cxmetrics.models import ApiKey, hash_api_key


def test_prints_the_new_key_alone_on_the_last_line_and_stores_only_its_hash(org):
    # when
    out = io.StringIO()
    call_command(
        "create_api_key", "zendesk", "--name", "helpdesk sync", stdout=out, stderr=io.StringIO()
    )
    key = out.getvalue().strip().splitlines()[-1]
    # then
    stored = ApiKey.objects.get()
    assert stored.hashed_key == hash_api_key(key) != key
    assert (stored.source.slug, stored.name) == ("zendesk", "helpdesk sync")
    assert key not in str(ApiKey.objects.values_list())
    # and the key works
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    answer = client.post(
        "/api/v1/responses",
        {"external_id": "1", "metric": "csat", "score": 4, "occurred_at": "2025-05-01T10:00:00Z"},
        format="json",
    )
    assert answer.status_code == 201


def test_unknown_source_lists_the_sources(org):
    # when / then
    with pytest.raises(CommandError, match="sources: delighted, demo, integrations"):
        call_command("create_api_key", "nope")
