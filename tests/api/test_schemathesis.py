"""The OpenAPI schema is valid, and Schemathesis with every check (`--checks all`) finds
nothing: no 5xx, every status, header and body as documented, schema-valid requests accepted
and schema-invalid ones refused.

One test per identity over every operation: an executive (reads), a team lead (writes goals
and plans of Support), an admin, and an integrator's API key (writes responses). Examples
are bounded and derandomized (tests/openapi.py), so the run is the same every time."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.contrib.auth.models import User

from cxmetrics.models import Department, FollowUp
from cxmetrics.services.followups import create_rule
from tests.goals.conftest import make_goal, make_plan, nps_30
from tests.openapi import (
    ALL_CHECKS,
    api_key_header,
    load_schema,
    person_token,
    run_all_phases,
    wsgi_app,  # noqa: F401 - fixture
)


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value):
    if isinstance(value, str | bytes):
        return value.encode() if isinstance(value, str) else value
    return json.dumps(value).encode()


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
        "/api/v1/followups/summary",
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


@pytest.fixture
def objects(org, lead):
    """Data for the generated requests to reach: figures, two goals and a plan of Support, the
    follow-ups the detractors opened and a follow-up rule of Support."""
    from django.core.cache import cache

    cache.clear()  # fresh throttle counts
    nps_30()
    goal = make_goal(actor=lead)
    make_goal(actor=lead, name="CSAT to 80", metric="csat", baseline=70.0, target=80.0)
    plan = make_plan(actor=lead, components=[(goal, 100, (20.0, 40.0, 60.0))])
    followup = FollowUp.objects.filter(department__slug="support").latest("pk")
    rule = create_rule(
        actor=lead,
        trusted=True,
        name="Support CSAT 1",
        metric="csat",
        score_min=1,
        score_max=1,
        owner_department=Department.objects.get(slug="support"),
    )
    return {
        "/api/v1/goals/": goal.pk,
        "/api/v1/incentive-plans/": plan.pk,
        "/api/v1/followups/": followup.pk,
        "/api/v1/followup-rules/": rule.pk,
    }


def _auth(identity: str, executive, lead) -> str:
    if identity == "api_key":
        return api_key_header("integrations")
    if identity == "admin":
        return person_token(User.objects.create_superuser("root", "root@example.com", "pw"))
    return person_token({"executive": executive, "lead": lead}[identity])


# A team lead (reads everything, writes Support's goals and plans), an admin (the only one
# whose erase and plan-closing bodies are read) and an integrator's API key; the longer run
# adds the executive (tests/openapi.py).
IDENTITIES = os.environ.get("CX_SCHEMATHESIS_IDENTITIES", "lead,admin,api_key").split(",")


@pytest.mark.parametrize("identity", IDENTITIES)
def test_api_conforms_to_its_schema_with_every_check(
    identity,
    objects,
    executive,
    lead,
    wsgi_app,  # noqa: F811
    settings,
):
    # given every operation, called as this identity, with no reader rate limit in the way
    # (tests/api/test_throttle.py tests it) and the token kept: logging out is tested in
    # tests/api/test_tokens.py (here it would revoke the run's own token halfway)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/min", "reader": "100000/min"},
    }
    schema = load_schema(wsgi_app, auth=_auth(identity, executive, lead)).exclude(
        path_regex=r"^/api/v1/auth/logout"
    )

    def conforms(case):
        # Generated ids rarely exist: most schema-valid cases address the objects made above
        # (negative cases keep their invalid ids).
        path = case.path_parameters or {}
        if "id" in path and case.meta is not None and case.meta.generation.mode.is_positive:
            path["id"] = next(pk for prefix, pk in objects.items() if case.path.startswith(prefix))
        case.call_and_validate(checks=ALL_CHECKS)

    # when every phase but the stateful one runs
    failures = run_all_phases(schema, conforms)
    # then no check failed anywhere
    assert not failures, "\n\n".join(failures)
