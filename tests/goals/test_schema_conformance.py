"""Schemathesis over the goals endpoints: no 5xx, and every answer as the schema documents.

Reads run as an executive, writes as an admin (DRF tokens), over a goal and a plan so that
some generated ids exist. Few examples per operation, so this runs in seconds."""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    status_code_conformance,
)

from cxmetrics.services import issue_token
from tests.goals.conftest import make_goal, make_plan, nps_30

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
OURS = r"^/api/v1/(goals|incentive-plans|alignment|audit)"


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose handler would close
    the test's database connection inside its transaction on PostgreSQL (Django's test client
    detaches it the same way)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(org, executive, lead, keep_test_connection):
    from cxmetrics.wsgi import application

    nps_30()
    goal = make_goal(actor=lead)
    make_plan(actor=lead, components=[(goal, 100, (20.0, 40.0, 60.0))])
    root = User.objects.create_superuser("root", "root@example.com", "pw")
    reader = issue_token(user=executive)[1]
    writer = issue_token(user=root)[1]
    loaded = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application, headers={"Authorization": f"Token {reader}"}
    )
    return loaded.include(path_regex=OURS), reader, writer


def _conformance(operation, auth: str):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def conforms(case):
        case.call_and_validate(headers={"Authorization": auth}, checks=CHECKS)

    return conforms


def test_goals_api_conforms_to_its_schema(api_schema):
    # given every goals operation, read as an executive and written as an admin
    loaded, reader, writer = api_schema
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) == 18
    for operation in operations:
        token = reader if operation.method.upper() == "GET" else writer
        # when / then
        _conformance(operation, f"Token {token}")()
