"""Query counts of the goals API's list endpoints, pinned with one row and with many, so a
listing stays O(1) in queries however many goals and plans there are."""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.models import Channel, Goal
from cxmetrics.selectors.goals import goal_progress, goals_queryset
from cxmetrics.selectors.goals_batch import goals_progress
from cxmetrics.services import goals as goal_services
from tests.goals.conftest import csat_85, make_goal, make_plan, nps_30

MANY = 6
AUTH = 3  # an executive's session: the session, its user, the user's groups (the role)
# goals (owner joined) + departments, scope channels, scope departments, invitations (with
# the invited departments joined)
GOAL_LIST = AUTH + 5
GOAL_LIST_BY_STATUS = GOAL_LIST + 1  # + one rollup query measuring every goal
PLAN_LIST = AUTH + 5  # plans, components (goal joined), the goals' 3 relations
ALIGNMENT = AUTH + 5  # the plans in period, their components, goals and departments
# goals_audit.audit_log, per page, not per row: the count, the rows (each with the id of the
# row before it), the page's three goal relations, the users, departments and channels that
# goals name
AUDIT = AUTH + 8
# every model: four counts and four pages of rows; the goal rows before the changed ones, the
# three goal relations; the users, departments and channels that goals name
AUDIT_EVERY_MODEL = AUTH + 15


def make_goals(lead, count: int) -> list[Goal]:
    nps_30(channel="chat")
    csat_85(channel="web")
    goals = []
    for number in range(count):
        overrides = {"metric": "csat", "baseline": 70, "target": 80} if number % 2 else {}
        if number % 3 == 1:
            overrides["scope_channels"] = list(Channel.objects.filter(slug="chat"))
        if number % 3 == 2:
            overrides["scope_handled_by"] = ["ai", "human"]
        goals.append(make_goal(actor=lead, name=f"goal {number}", **overrides))
    return goals


def make_plans(lead, goals: list[Goal]) -> None:
    for number, goal in enumerate(goals):
        make_plan(actor=lead, name=f"plan {number}", components=[(goal, 100, (20.0, 40.0, 60.0))])


@pytest.mark.parametrize("count", [1, MANY])
@pytest.mark.parametrize(
    ("query", "queries"),
    [
        ("", GOAL_LIST),
        ("?metric=nps&active=false", GOAL_LIST),
        ("?status=missed", GOAL_LIST_BY_STATUS),
    ],
)
def test_listing_goals_costs_the_same_for_one_or_many(
    clients, lead, django_assert_num_queries, count, query, queries
):
    # given `count` goals of two metrics and three scopes, with data
    make_goals(lead, count)
    client = clients("executive")

    # when they are listed, then the queries do not grow with the goals
    with django_assert_num_queries(queries):
        answer = client.get(f"/api/v1/goals{query}")
    assert answer.status_code == 200 and answer.json()


@pytest.mark.parametrize("count", [1, MANY])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/incentive-plans", PLAN_LIST),
        ("/api/v1/incentive-plans?department=support", PLAN_LIST),
        ("/api/v1/alignment?as_of=2025-01-16", ALIGNMENT),
        ("/api/v1/audit?model=goal&limit=1", AUDIT),
    ],
)
def test_plans_alignment_and_audit_cost_the_same_for_one_or_many(
    clients, lead, django_assert_num_queries, count, url, queries
):
    # given `count` goals, each paid on by a plan (and their audit trail)
    make_plans(lead, make_goals(lead, count))
    client = clients("executive")

    # when / then
    with django_assert_num_queries(queries):
        answer = client.get(url)
    assert answer.status_code == 200 and answer.json()


@pytest.mark.parametrize("rows", [2, 30])
def test_an_audit_page_costs_the_same_for_two_rows_or_thirty(
    clients, lead, django_assert_num_queries, rows
):
    # given a goal created, then edited `rows - 1` times: its channels and its target in turn
    goal = make_goal(actor=lead)
    chat = list(Channel.objects.filter(slug="chat"))
    for number in range(rows - 1):
        if number % 2:
            goal_services.update_goal(goal=goal, actor=lead, target=41.0 + number)
        else:
            channels = chat if number % 4 == 0 else []
            goal_services.update_goal(goal=goal, actor=lead, scope_channels=channels)
    client = clients("executive")

    # when the audit trail is read, then the queries do not grow with the rows on the page
    with django_assert_num_queries(AUDIT_EVERY_MODEL):
        answer = client.get("/api/v1/audit?limit=50")
    assert answer.json()["count"] == rows
    assert all(entry["changes"] for entry in answer.json()["results"])


def test_goals_measured_together_equal_goals_measured_one_by_one(lead):
    # given goals of two metrics, three scopes, with data, and one not started yet
    make_goals(lead, MANY)
    make_goal(actor=lead, name="later", start=date(2025, 3, 1), end=date(2025, 3, 31))
    listed = list(goals_queryset())

    for as_of in (date(2025, 1, 16), date(2025, 2, 1)):
        # when they are measured in one query and one by one
        together = goals_progress(goals=listed, as_of=as_of)
        one_by_one = [goal_progress(goal=goal, as_of=as_of) for goal in listed]

        # then every field is the same, and the data was found
        assert together == one_by_one
    assert {p["value"] for p in together} >= {30.0, 85.0}
    assert (together[-1]["name"], together[-1]["n"], together[-1]["value"]) == ("later", 0, None)
