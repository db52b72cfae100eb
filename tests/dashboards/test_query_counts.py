"""Query counts of every dashboard page and of the selectors behind it, pinned with few and with
many responses: a page costs the same number of queries whatever the data, as the selectors'
docstrings promise (figures come from the rollups in SQL; comments are read with a limit).

The goals page measures every goal in one rollup query (`selectors.goals_batch`), so it is
pinned with one goal and with five; the incentives page with one plan (every plan's components
are measured in one rollup query too, `selectors.goals.plans_attainment`; the workspace's
/plans/ and /scorecards/ are pinned with one plan and five)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.test import TestCase

from cxmetrics.models import Source
from cxmetrics.selectors import dashboards as read
from cxmetrics.selectors.dashboards.filters import today
from cxmetrics.services.ingest import record_responses
from dashboards.pages import PAGES
from tests.dashboards.conftest import days_ago, period
from tests.factories import make_item, make_user
from tests.goals.conftest import make_goal, make_plan

CHANNELS = ("app", "chat", "email", "phone", "social", "store", "web")
DEPARTMENTS = ("billing", "logistics", "product", "stores", "support")
HANDLERS = ("ai", "human", "ai_to_human")
COMMENTS = ("Kept looping, not solved", "Great help, thank you", "Slow reply, not solved")


def store(combinations) -> None:
    """One response per (metric, score, channel, department, handled_by, days ago, comment)."""
    items = [
        make_item(
            metric=metric,
            score=float(score),
            channel=channel,
            department=department,
            handled_by=handled_by,
            occurred_at=days_ago(ago),
            comment=comment,
        )
        for metric, score, channel, department, handled_by, ago, comment in combinations
    ]
    with TestCase.captureOnCommitCallbacks(execute=True):
        record_responses(source=Source.objects.get(slug="integrations"), items=items)


@pytest.fixture(params=["few", "many"])
def data(request, org):
    """`few`: three responses in one bucket. `many`: every channel x department x handler on
    three days in both periods, NPS and CSAT, with comments (3,780 responses), and four more
    goals. Both: a goal and one plan paying on it."""
    if request.param == "few":
        store([("nps", 9, "web", "support", "human", 2, COMMENTS[0])] * 3)
    else:
        store(
            (metric, score, channel, department, handler, ago, comment)
            for (metric, score), channel, department, handler, ago, comment in itertools.product(
                (("nps", 9), ("nps", 3), ("csat", 5), ("csat", 2)),
                CHANNELS,
                DEPARTMENTS,
                HANDLERS,
                (2, 40, 120),
                COMMENTS,
            )
        )
    # The goal and plan cover every response stored (130 days ago to a month ahead).
    actor = make_user("lead-q", role="admin")
    start, end = today() - timedelta(days=130), today() + timedelta(days=30)
    goal = make_goal(actor=actor, start=start, end=end)
    if request.param == "many":
        for number in range(4):
            make_goal(actor=actor, name=f"Goal {number}", start=start, end=end)
    make_plan(
        actor=actor,
        components=[(goal, 100, (20.0, 40.0, 60.0))],
        period_start=start,
        period_end=end,
    )
    return request.param


# Each selector of a page called as the page calls it (default filters: the last 90 days).
SELECTORS = {
    "overview_cards": (lambda f: read.overview_cards(filters=f), 1),
    "metric_trend": (lambda f: read.metric_trend(metric="nps", filters=f, grain="week"), 1),
    "metric_breakdown": (lambda f: read.metric_breakdown(metric="nps", filters=f, by="channel"), 3),
    "channel_department_matrix": (
        lambda f: read.channel_department_matrix(metric="nps", filters=f),
        3,
    ),
    "channel_consistency": (lambda f: read.channel_consistency(metric="nps", filters=f), 2),
    "automation_comparison": (lambda f: read.automation_comparison(metric="nps", filters=f), 2),
    "escalation_share": (lambda f: read.escalation_share(filters=f), 2),
    "recent_comments": (lambda f: read.recent_comments(filters=f), 2),
    "negative_themes": (lambda f: read.negative_themes(filters=f), 1),
    "filter_options": (lambda f: read.filter_options(), 2),
    "goals_page": (lambda f: read.goals_page(as_of=today()), 13),
    "incentives_board": (lambda f: read.incentives_board(as_of=today()), 11),
    "followups_board": (lambda f: read.followups_board(filters=f, grain="week"), 9),
}
# A page: its selectors, plus whether there are responses at all (1, pages that need them)
# and the filter options (2); the query string's slugs are looked up only when given.
PAGE_QUERIES = {
    "overview": 8,
    "channels": 8,
    "automation": 7,
    "goals": 15,
    "incentives": 13,
    "voice": 6,
    "followups": 11,
}


def test_every_dashboard_selector_runs_the_same_queries_with_few_or_many_rows(
    data, django_assert_num_queries
):
    # given few or many responses, and the default period
    filters = period(90)
    for call, queries in SELECTORS.values():
        # when each selector reads them as its page does, then it runs its fixed queries
        with django_assert_num_queries(queries):
            answer = call(filters)
        assert answer


def test_every_dashboard_page_is_drawn_with_the_same_queries_with_few_or_many_rows(
    data, django_assert_num_queries
):
    for page in PAGES:
        # when each page is drawn with its default filters (its layout: filters, options and
        # every first figure), then it runs its fixed queries
        with django_assert_num_queries(PAGE_QUERIES[page.key]):
            layout = page.layout()
        assert layout.children
