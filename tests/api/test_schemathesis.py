"""The OpenAPI schema is valid, and Schemathesis finds no 5xx and no answer that breaks it.

Schemathesis loads /api/schema/ from the Django WSGI app and calls every integrator/reader
operation with generated data: reads as an executive (DRF token), writes with the API key of
the source the endpoint belongs to. Examples are kept few so this runs in seconds."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cxmetrics.services import issue_token
from tests.factories import make_api_key

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The goals endpoints are tested by their own suite.
OURS = r"^/api/v1/(responses|metrics/|departments|channels|sources|ingest/)"


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value):
    import json

    if isinstance(value, str | bytes):
        return value.encode() if isinstance(value, str) else value
    return json.dumps(value).encode()


@pytest.fixture
def wsgi_app():
    """The Django WSGI app, without closing the test's database connection after each request
    (Django's test client does the same)."""
    from django.core import signals
    from django.db import close_old_connections

    from cxmetrics.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(org, executive, wsgi_app):
    from django.core.cache import cache

    cache.clear()  # fresh throttle counts
    token = issue_token(user=executive)[1]
    loaded = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", wsgi_app, headers={"Authorization": f"Token {token}"}
    )
    keys = {
        path: make_api_key(source)
        for path, source in [
            ("/api/v1/responses", "integrations"),
            ("/api/v1/ingest/delighted", "delighted"),
            ("/api/v1/ingest/zendesk", "zendesk"),
            ("/api/v1/ingest/typeform", "typeform"),
            ("/api/v1/ingest/qualtrics", "qualtrics"),
        ]
    }
    return loaded.include(path_regex=OURS), token, keys


def test_schema_is_valid_openapi(executive, client):
    # given
    client.force_login(executive)
    # when
    answer = client.get("/api/schema/?format=json")
    # then it parses as OpenAPI 3 and documents every endpoint of the issue
    from drf_spectacular.validation import validate_schema

    document = answer.json()
    validate_schema(document)
    for path in (
        "/api/v1/responses",
        "/api/v1/metrics/summary",
        "/api/v1/metrics/compare",
        "/api/v1/departments",
        "/api/v1/channels",
        "/api/v1/sources",
        "/api/v1/ingest/delighted",
        "/api/v1/ingest/zendesk",
        "/api/v1/ingest/typeform",
        "/api/v1/ingest/qualtrics",
    ):
        assert path in document["paths"]
        for operation in document["paths"][path].values():
            content = [
                c for r in operation["responses"].values() for c in r.get("content", {}).values()
            ]
            assert any("examples" in c for c in content), path


def test_swagger_ui_is_served(executive, client):
    client.force_login(executive)
    assert client.get("/api/docs/").status_code == 200


def _conformance(operation, auth: str):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def conforms(case):
        # no 5xx, and status, content type, headers and body as documented
        case.call_and_validate(headers={"Authorization": auth}, checks=CHECKS)

    return conforms


def test_api_conforms_to_its_schema(api_schema):
    # given every operation of ours, with the right credentials for it
    loaded, token, keys = api_schema
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) == 11
    for operation in operations:
        if operation.method.upper() == "GET":
            auth = f"Token {token}"
        else:
            auth = f"Api-Key {keys[operation.path]}"
        # when / then
        _conformance(operation, auth)()
