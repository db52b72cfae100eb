"""Shared Schemathesis setup for the API conformance tests: credentials, the schema loaded from
the Django WSGI app, every check Schemathesis has (`--checks all`), and bounded,
derandomized generation over the examples, coverage and fuzzing phases.

`person_token` is the one place that builds a person's API token: change it here when the
token model changes (the tests call nothing else).

Longer run: `CX_SCHEMATHESIS_EXAMPLES=100 .venv/bin/pytest tests/api/test_schemathesis.py`."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import CHECKS, positive_data_acceptance
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NegativeDataRejectionConfig

# Examples per operation in the fuzzing phase (the examples and coverage phases are
# deterministic and not bounded by it); CX_SCHEMATHESIS_EXAMPLES raises it for a longer run.
MAX_EXAMPLES = int(os.environ.get("CX_SCHEMATHESIS_EXAMPLES", "4"))
SEED = int(os.environ.get("CX_SCHEMATHESIS_SEED", "11"))

# Rules no OpenAPI 3.0 schema can state: references to rows that must exist, one parameter
# constraining another, and business rules over several fields. The server answers them with
# a 400 and field messages (documented in each operation's 400); a schema-valid request refused
# for any OTHER reason is still a failure. One pattern per rule, matched against every message.
RULES_THE_SCHEMA_CANNOT_STATE = tuple(
    re.compile(pattern)
    for pattern in (
        # references to rows (goal ids, owner usernames)
        r"^Invalid pk .* object does not exist\.$",
        r"^Object with username=.* does not exist\.$",
        # one parameter constraining another
        r"^end must be on or after start$",
        r"^unknown (channel|department|handled_by|source) .*; allowed: ",  # compare a/b vs by
        r"^b must differ from a$",
        # every DRF CharField refuses NUL (ProhibitNullCharactersValidator); drf-spectacular
        # does not state it as a pattern
        r"^Null characters are not allowed\.$",
        # goals and plans (cxmetrics.services.goals.validation, cxmetrics.incentives)
        r"^Must be between -?[0-9.]+ and [0-9.]+ for (nps|csat|ces|sentiment|followup_on_time)\.$",
        r"^Must be at or above the target\.$",
        r"^Must be on or after the (period )?start\.$",
        r"^Incentive plans pay on this goal; create a new goal instead\.$",
        r"^Threshold \(.*\) must be below target \(.*\)\.$",
        r"^Stretch \(.*\) must be at or above target \(.*\)\.$",
        r"^(Threshold|Stretch) payout \(.*%\) must ",
        r"^Weights must add up to exactly 100%, got .*%\.$",
        r"^The goal runs .* to .*, outside the plan\.$",
        r"^This goal is already a component of the plan\.$",
        # agreed participation (cxmetrics.services.goals.participation) and plan money
        r"^.* does not take part in this goal: a plan pays only on goals its department has "
        r"accepted\.$",
        r"^.*'s plan pays on this goal; .* must stay\.$",
        r"^A three-letter currency code \(ISO 4217\) such as EUR or USD\.$",
        # follow-ups and their rules (cxmetrics.services.followups)
        r"^Object with name=.* does not exist\.$",
        r"^Closing needs an outcome: resolved, not_resolved or unreachable\.$",
        r"^Closing needs a root cause\.$",
        r"^An outcome is set when closing \(status closed\)\.$",
        r"^A closed follow-up is only reopened\.$",
        r"^A follow-up does not go back from .* to .*; only reopening a closed one\.$",
        r"^.* is not a team lead of .* nor an admin\.$",
        r"^.* is no longer offered\.$",
        r"^Must be at or above score_min\.$",
        r"^Another follow-up rule has this name\.$",
        r"^A name is required\.$",
    )
)
# Ingest items are validated one by one (cxmetrics.ingest.validate): a batch whose every item
# breaks a rule across fields (a score outside its metric's scale, a time in the future, a
# channel the source does not use) is a 400 with the per-item errors.
INGEST_ITEM_RULES = tuple(
    re.compile(pattern)
    for pattern in (
        r"^score [-0-9.e+]+ is out of range: for (nps|csat|ces|sentiment), ",
        r"^score must be a number: for ",  # a whole number for NPS, CSAT, CES
        r"^occurred_at is more than 5 minutes in the future$",
        r"^occurred_at is out of the supported range$",
        r"^(channel|department) is required \(the source has no default\)",
        r"^channel .* is not allowed for source ",
    )
)
# CSV and NDJSON bodies are documented as text (a JSON Schema cannot describe their lines):
# an unreadable one is a 400 {detail, line}, rows that break the item rules a 400 answer.
TEXT_BODIES = frozenset({"text/csv", "application/x-ndjson"})


def person_token(user: Any) -> str:
    """An `Authorization` header value for a person (a knox token, stored hashed)."""
    from cxmetrics.services import issue_token

    return f"Token {issue_token(user=user)[1]}"


def api_key_header(source: str = "integrations") -> str:
    """An `Authorization` header value for an integrator (the source's API key)."""
    from tests.factories import make_api_key

    return f"Api-Key {make_api_key(source)}"


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The Django WSGI app, without closing the test's database connection after each request:
    the request_started/finished handler would close it inside the test's transaction
    (Django's test client detaches it the same way)."""
    from cxmetrics.wsgi import application

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield application
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _messages(body: Any) -> Iterator[str]:
    if isinstance(body, str):
        yield body
    elif isinstance(body, dict):
        for value in body.values():
            yield from _messages(value)
    elif isinstance(body, list):
        for value in body:
            yield from _messages(value)


def refused_by_a_stated_rule(body: Any, *, media_type: str | None = None) -> bool:
    """True when a 400 body names only rules the schema cannot state (see above)."""
    if media_type in TEXT_BODIES and isinstance(body, dict):
        return "line" in body or "rejected" in body
    if isinstance(body, dict) and "rejected" in body and "accepted" in body:
        messages = list(_messages([item.get("errors") for item in body["rejected"]]))
        rules = INGEST_ITEM_RULES
    else:
        messages = list(_messages(body))
        rules = RULES_THE_SCHEMA_CANNOT_STATE
    return bool(messages) and all(any(r.search(m) for r in rules) for m in messages)


@schemathesis.check
def positive_data_acceptance_but_stated_rules(ctx: Any, response: Any, case: Any) -> Any:
    """`positive_data_acceptance`, except for a 400 naming only RULES_THE_SCHEMA_CANNOT_STATE."""
    if response.status_code == 400:
        try:
            body = response.json()
        except ValueError:
            body = None
        if refused_by_a_stated_rule(body, media_type=case.media_type):
            return None
    return positive_data_acceptance(ctx, response, case)


# `--checks all`, with positive_data_acceptance narrowed as above.
ALL_CHECKS = [check for check in CHECKS.get_all() if check is not positive_data_acceptance]


def config(*, auth: str, max_examples: int = MAX_EXAMPLES) -> SchemathesisConfig:
    """A fixed seed, deterministic generation, no example database, every check."""
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["all"],
            "headers": {"Authorization": auth},
            # A body over the documented item limit is refused with 413 (Content Too Large),
            # which is a refusal too.
            "checks": {
                "negative_data_rejection": {
                    "expected-statuses": [
                        *NegativeDataRejectionConfig._DEFAULT_EXPECTED_STATUSES,
                        "413",
                    ]
                }
            },
            "generation": {
                "max-examples": max_examples,
                "deterministic": True,
                "database": "none",
            },
        }
    )


def load_schema(app: Any, *, auth: str, path_regex: str | None = None) -> Any:
    """The schema served at /api/schema/, read with `auth`, limited to `path_regex`."""
    loaded = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        app,
        config=config(auth=auth),
        headers={"Authorization": auth},
    )
    return loaded.include(path_regex=path_regex) if path_regex else loaded


def run_all_phases(schema: Any, test_func: Callable[[Any], None]) -> list[str]:
    """Run `test_func(case)` over every operation of `schema`, in the examples, coverage and
    fuzzing phases (what `schemathesis run` does before its stateful phase); return one line
    per failing operation. (schemathesis.pytest.from_fixture would do this as subtests, but
    it breaks under pytest 9.2.)"""
    from schemathesis.pytest.lazy import get_all_tests

    failures = []
    for result in get_all_tests(schema=schema, test_func=test_func, settings=None, given_kwargs={}):
        operation, test = result.ok()
        try:
            test()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect them all
            failures.append(f"{operation.label}: {error}")
    return failures
