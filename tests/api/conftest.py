"""API test helpers: clients for an API key and for people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import make_api_key

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads"


def payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def payload_json(name: str) -> dict:
    return json.loads(payload(name))


def key_client(source: str = "integrations") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_api_key(source)}")
    return client


@pytest.fixture
def api(org) -> APIClient:
    """A client sending the integrations source's API key."""
    return key_client("integrations")


@pytest.fixture
def reader(executive) -> APIClient:
    client = APIClient()
    client.force_authenticate(executive)
    return client
