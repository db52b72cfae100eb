"""GET /api/v1/followups/summary: who reads it, the worked example as the API answers it,
400s with field messages, and the query count pinned."""

from __future__ import annotations

import pytest

from tests.followups.test_api import client_for
from tests.followups.test_summary import two_departments  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

URL = "/api/v1/followups/summary"

# Every reader role reads every department's figures (shared outcomes, like the dashboards);
# API keys (even of the follow-ups' source) and integrators do not.
READERS = {
    "anonymous": 401,
    "integrator": 403,
    "key_integrations": 403,
    "executive": 200,
    "lead_support": 200,
    "lead_billing": 200,
    "admin": 200,
}


@pytest.mark.parametrize("identity", list(READERS))
def test_who_reads_the_summary(two_departments, identity):  # noqa: F811
    answer = client_for(identity).get(URL, {"group_by": "department"})
    assert answer.status_code == READERS[identity]
    if answer.status_code == 200:
        # a Billing lead sees Support's figures too
        assert [group["key"] for group in answer.json()["groups"]] == ["billing", "support"]


def test_the_worked_example_as_the_api_answers_it(two_departments):  # noqa: F811
    # when
    answer = client_for("executive").get(URL, {"group_by": "department"}).json()
    support = next(group for group in answer["groups"] if group["key"] == "support")
    # then (see tests/followups/test_summary.py for the arithmetic)
    assert support["opened"] == 4
    assert support["closed_on_time"] == 2
    assert support["on_time_rate"] == pytest.approx(50.0)
    assert support["ci95"] == pytest.approx([15.0039, 84.9961], abs=1e-4)
    assert support["median_hours_to_close"] == pytest.approx(48.0)
    assert support["median_hours_to_first_contact"] == pytest.approx(16.0)
    assert support["resolved_share"] == pytest.approx(100 / 3)
    assert support["recovery"]["n"] == 2
    assert support["recovery"]["rate"] == pytest.approx(50.0)
    assert answer["root_causes"] == [
        {"name": "Billing error", "count": 2},
        {"name": "Slow response", "count": 2},
    ]
    assert answer["overall"]["opened"] == 5
    assert (answer["group_by"], answer["start"], answer["end"]) == ("department", None, None)


def test_filters_and_period_from_the_query_string(two_departments):  # noqa: F811
    client = client_for("admin")
    billing = client.get(URL, {"department": "billing"}).json()
    assert [(g["key"], g["opened"]) for g in billing["groups"]] == [("all", 1)]
    by_day = client.get(URL, {"group_by": "day", "start": "2026-03-02", "end": "2026-03-02"})
    assert [(g["key"], g["opened"]) for g in by_day.json()["groups"]] == [("2026-03-02", 5)]
    assert by_day.json()["start"] == "2026-03-02"
    nothing = client.get(URL, {"start": "2026-03-03"}).json()
    assert nothing["groups"] == []
    assert nothing["overall"]["on_time_rate"] is None


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"group_by": "source"}, "group_by", '"source" is not a valid choice.'),
        ({"start": "2026-13-01"}, "start", "Date has wrong format"),
        ({"start": "2026-03-05", "end": "2026-03-01"}, "end", "end must be on or after start"),
        ({"department": "nowhere"}, "department", "nowhere"),
        ({"handled_by": "robot"}, "handled_by", "robot"),
    ],
)
def test_bad_query_parameters_are_400_with_field_messages(org, query, field, message):
    answer = client_for("executive").get(URL, query)
    assert answer.status_code == 400
    assert message in " ".join(answer.json()[field])


@pytest.mark.parametrize(("group_by", "queries"), [(None, 3), ("department", 5), ("week", 4)])
def test_the_query_count_is_pinned(
    two_departments,  # noqa: F811
    group_by,
    queries,
    django_assert_num_queries,
):
    client = client_for("executive")
    params = {"group_by": group_by} if group_by else {}
    client.get(URL, params)  # warm up: the caller's roles are read once
    # then the request runs the selector's queries only
    with django_assert_num_queries(queries):
        answer = client.get(URL, params)
    assert answer.status_code == 200
