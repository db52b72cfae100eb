"""The follow-ups' summary (selectors.followups_summary): a worked example of two departments
pinned value by value, the recovery definition case by case, grouping by period in the
organisation's time zone, the filters, and the query count pinned with few and many."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from cxmetrics.models import FollowUp, FollowUpStatus, RootCause, Source
from cxmetrics.selectors.followups_summary import followups_summary
from cxmetrics.selectors.summary import SummaryFilters
from cxmetrics.services.ingest import record_responses
from tests.followups.conftest import NOW, item, opened

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
# Overdue is decided 60 hours after the follow-ups opened (their SLA is 48 hours).
LATER = NOW + 60 * H


def cause(name: str) -> RootCause:
    return RootCause.objects.get(name=name)


def shape(
    followup: FollowUp,
    *,
    closed_after: float | None = None,
    contact_after: float | None = None,
    outcome: str = "",
    root_cause: str | None = None,
) -> FollowUp:
    """Give an opened follow-up its times and outcome directly (the lifecycle has its own
    tests; here the times must be exact)."""
    changes: dict[str, Any] = {}
    if closed_after is not None:
        changes.update(
            status=FollowUpStatus.CLOSED,
            closed_at=followup.opened_at + closed_after * H,
            outcome=outcome,
            root_cause=cause(root_cause) if root_cause else None,
        )
    if contact_after is not None:
        changes["first_contact_at"] = followup.opened_at + contact_after * H
    FollowUp.objects.filter(pk=followup.pk).update(**changes)
    followup.refresh_from_db()
    return followup


def answer_again(customer: str, score: float, at: datetime, **fields: Any) -> None:
    """A later response of `customer`, stored without evaluating the rules."""
    record_responses(
        source=Source.objects.get(slug="integrations"),
        items=[item(customer_ref=customer, score=score, occurred_at=at, **fields)],
    )


@pytest.fixture
def two_departments(org, no_publish):
    """Support: A on time (contacted at 2 h, closed resolved at 10 h), B late (contacted at
    30 h, closed not resolved at 50 h), C on time at the boundary (closed unreachable at
    exactly 48 h), D still open and overdue. Billing: E closed resolved at 5 h.
    Customers answer again: a with NPS 9 (recovered; a later 3 is not the next answer),
    b with NPS 5 (still a detractor; an NPS 10 before the close does not count), c only on
    CSAT (another metric: not counted)."""
    a = shape(
        opened(customer_ref="cust-a"),
        contact_after=2,
        closed_after=10,
        outcome="resolved",
        root_cause="Billing error",
    )
    b = shape(
        opened(customer_ref="cust-b"),
        contact_after=30,
        closed_after=50,
        outcome="not_resolved",
        root_cause="Slow response",
    )
    c = shape(
        opened(customer_ref="cust-c"),
        closed_after=48,
        outcome="unreachable",
        root_cause="Slow response",
    )
    opened(customer_ref="cust-d")
    shape(
        opened(customer_ref="cust-e", department="billing"),
        contact_after=1,
        closed_after=5,
        outcome="resolved",
        root_cause="Billing error",
    )
    answer_again("cust-a", 9, a.closed_at + 24 * H)
    answer_again("cust-a", 3, a.closed_at + 48 * H)
    answer_again("cust-b", 10, b.closed_at - H)
    answer_again("cust-b", 5, b.closed_at + H)
    answer_again("cust-c", 5, c.closed_at + H, metric="csat")


def by_key(summary: dict) -> dict[str, dict]:
    return {group["key"]: group for group in summary["groups"]}


def test_worked_example_by_department(two_departments):
    # when
    summary = followups_summary(group_by="department", now=LATER)
    support, billing = by_key(summary)["support"], by_key(summary)["billing"]
    # then Support opened 4, closed 3, 2 on time (A, and C at exactly due_at), 1 resolved
    assert (support["opened"], support["closed"], support["closed_on_time"]) == (4, 3, 2)
    assert (support["resolved"], support["open"], support["overdue"]) == (1, 1, 1)
    # on time 2 / 4 = 50%, Wilson 15.00% .. 85.00% (15.0039 .. 84.9961)
    assert support["on_time_rate"] == pytest.approx(50.0)
    assert support["ci95"] == pytest.approx([15.0039, 84.9961], abs=1e-4)
    # medians: first contact of A (2 h) and B (30 h) -> 16 h; close 10, 48, 50 h -> 48 h
    assert support["median_hours_to_first_contact"] == pytest.approx(16.0)
    assert support["median_hours_to_close"] == pytest.approx(48.0)
    # resolved 1 / 3 closed = 33.33%
    assert support["resolved_share"] == pytest.approx(100 / 3)
    assert support["resolved_ci95"] == pytest.approx([6.1492, 79.2340], abs=1e-4)
    # recovery: a recovered (9), b did not (5), c has no next NPS answer -> 1 of 2
    assert support["recovery"]["n"] == 2
    assert support["recovery"]["recovered"] == 1
    assert support["recovery"]["rate"] == pytest.approx(50.0)
    assert support["recovery"]["ci95"] == pytest.approx([9.4531, 90.5469], abs=1e-4)
    assert support["label"] == "Support"
    assert support["low_sample"] is True
    # and Billing: one closed on time, resolved in 5 h, nobody answered again
    assert (billing["opened"], billing["closed_on_time"], billing["overdue"]) == (1, 1, 0)
    assert billing["on_time_rate"] == 100.0
    assert billing["median_hours_to_close"] == pytest.approx(5.0)
    assert billing["recovery"] == {
        "n": 0,
        "recovered": 0,
        "rate": None,
        "ci95": None,
        "low_sample": True,
    }


def test_overall_sums_the_groups_and_takes_the_median_of_all(two_departments):
    summary = followups_summary(group_by="department", now=LATER)
    overall = summary["overall"]
    assert (overall["opened"], overall["closed"], overall["closed_on_time"]) == (5, 4, 3)
    assert overall["on_time_rate"] == pytest.approx(60.0)
    # close: 5, 10, 48, 50 h -> (10 + 48) / 2; first contact 1, 2, 30 -> 2
    assert overall["median_hours_to_close"] == pytest.approx(29.0)
    assert overall["median_hours_to_first_contact"] == pytest.approx(2.0)
    assert (overall["recovery"]["n"], overall["recovery"]["recovered"]) == (2, 1)


def test_root_causes_are_ranked_by_count_then_name(two_departments):
    summary = followups_summary(now=LATER)
    assert summary["root_causes"] == [
        {"name": "Billing error", "count": 2},
        {"name": "Slow response", "count": 2},
    ]


def test_without_group_by_there_is_one_group_all(two_departments):
    summary = followups_summary(now=LATER)
    assert [group["key"] for group in summary["groups"]] == ["all"]
    assert summary["groups"][0] == summary["overall"]


def test_filters_narrow_by_owner_department_and_period(two_departments):
    support_only = followups_summary(filters=SummaryFilters(departments=("billing",)), now=LATER)
    assert support_only["overall"]["opened"] == 1
    opened_day = NOW.date()
    that_day = SummaryFilters(start=opened_day, end=opened_day)
    before = opened_day - timedelta(days=1)
    day_before = SummaryFilters(start=before, end=before)
    assert followups_summary(filters=that_day, now=LATER)["overall"]["opened"] == 5
    nothing = followups_summary(filters=day_before, now=LATER)
    assert nothing["groups"] == []
    assert nothing["overall"]["on_time_rate"] is None
    assert nothing["root_causes"] == []


def test_filters_by_the_responses_channel_and_handler(org, no_publish):
    opened(channel="chat", handled_by="ai")
    opened(channel="web", handled_by="human")
    chat = followups_summary(filters=SummaryFilters(channels=("chat",)), now=LATER)
    human = followups_summary(filters=SummaryFilters(handled_by=("human",)), now=LATER)
    by_channel = followups_summary(group_by="channel", now=LATER)
    by_handler = followups_summary(group_by="handled_by", now=LATER)
    assert chat["overall"]["opened"] == human["overall"]["opened"] == 1
    assert [(g["key"], g["opened"]) for g in by_channel["groups"]] == [("chat", 1), ("web", 1)]
    assert [(g["key"], g["label"]) for g in by_handler["groups"]] == [
        ("ai", "AI"),
        ("human", "Human"),
    ]


@pytest.mark.parametrize(
    ("group_by", "keys", "counts"),
    [
        ("day", ["2026-03-01", "2026-03-02"], [1, 1]),
        ("week", ["2026-02-23", "2026-03-02"], [1, 1]),
        # in UTC the first would be February's
        ("month", ["2026-03-01"], [2]),
    ],
)
def test_periods_are_days_weeks_months_of_opened_at_in_local_time(
    org, no_publish, settings, group_by, keys, counts
):
    # given the organisation in Tokyo (UTC+9), follow-ups opened at 2026-02-28 23:30 UTC
    # (Sunday 1 March, 08:30 in Tokyo) and 2026-03-02 09:00 UTC (Monday 2 March)
    settings.TIME_ZONE = "Asia/Tokyo"
    first = opened()
    FollowUp.objects.filter(pk=first.pk).update(
        opened_at=datetime(2026, 2, 28, 23, 30, tzinfo=NOW.tzinfo),
        due_at=datetime(2026, 3, 2, 23, 30, tzinfo=NOW.tzinfo),
    )
    opened()
    # when
    summary = followups_summary(group_by=group_by, now=LATER)
    # then the keys are the local day, the Monday of the local week, the local month
    assert [group["key"] for group in summary["groups"]] == keys
    assert [group["opened"] for group in summary["groups"]] == counts


def test_bad_group_by_raises(org):
    with pytest.raises(ValueError, match="group_by must be one of"):
        followups_summary(group_by="source")


def test_a_sentiment_rules_recovery_reads_the_next_comments_sentiment(org, no_publish):
    # given two follow-ups under the sentiment rule (-1 .. -0.5); each customer answers NPS 10
    # again, one with a comment still scored -0.8 (still in the band), one without a comment
    from cxmetrics.models import FollowUpRule, Response

    sentiment_rule = FollowUpRule.objects.get(metric="sentiment")
    angry = shape(opened(customer_ref="cust-s"), closed_after=1, outcome="resolved")
    silent = shape(opened(customer_ref="cust-t"), closed_after=1, outcome="resolved")
    FollowUp.objects.filter(pk__in=[angry.pk, silent.pk]).update(rule=sentiment_rule)
    answer_again("cust-s", 10, angry.closed_at + H)
    answer_again("cust-t", 10, silent.closed_at + H)
    Response.objects.filter(customer_ref="cust-s", score=10).update(sentiment=-0.8)
    # when
    recovery = followups_summary(now=LATER)["overall"]["recovery"]
    # then the scored one is not recovered (a 10 with a furious comment), the unscored one is
    # not counted
    assert (recovery["n"], recovery["recovered"], recovery["rate"]) == (1, 0, 0.0)


def test_a_next_answer_at_the_bands_edge_is_not_recovered(org, no_publish):
    # given NPS detractor follow-ups (band 0 .. 6); the customers answer 6 and 7 next
    six = shape(opened(customer_ref="cust-6"), closed_after=1, outcome="resolved")
    seven = shape(opened(customer_ref="cust-7"), closed_after=1, outcome="resolved")
    answer_again("cust-6", 6, six.closed_at + H)
    answer_again("cust-7", 7, seven.closed_at + H)
    # an answer at exactly closed_at is not "after" it
    answer_again("cust-7", 0, seven.closed_at)
    # then 6 is still a detractor, 7 is recovered
    recovery = followups_summary(now=LATER)["overall"]["recovery"]
    assert (recovery["n"], recovery["recovered"]) == (2, 1)


def test_open_follow_ups_and_those_without_a_customer_have_no_recovery(org, no_publish):
    still_open = opened(customer_ref="cust-o")
    anonymous = shape(opened(), closed_after=1, outcome="resolved")
    answer_again("cust-o", 10, still_open.opened_at + H)
    answer_again("", 10, anonymous.closed_at + H)
    assert followups_summary(now=LATER)["overall"]["recovery"]["n"] == 0


@pytest.fixture(params=["few", "many"])
def amount(request, org, no_publish):
    """`few`: one follow-up; `many`: 40 over three departments and channels, half closed with
    root causes, customers answering again."""
    if request.param == "few":
        opened(customer_ref="cust-1")
        return request.param
    causes = ["Billing error", "Slow response", "Policy", "Other"]
    for number in range(40):
        followup = opened(
            customer_ref=f"cust-{number}",
            department=("support", "billing", "logistics")[number % 3],
            channel=("web", "chat", "email")[number % 3],
        )
        if number % 2:
            shape(
                followup,
                contact_after=number,
                closed_after=number + 1,
                outcome="resolved",
                root_cause=causes[number % 4],
            )
            answer_again(f"cust-{number}", number % 11, followup.opened_at + (number + 2) * H)
    return request.param


@pytest.mark.parametrize(
    ("group_by", "queries"),
    [(None, 3), ("department", 5), ("channel", 5), ("handled_by", 4), ("week", 4)],
)
def test_the_summary_runs_fixed_queries_with_few_or_many(
    amount, group_by, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries):
        summary = followups_summary(group_by=group_by, now=LATER)
    assert summary["overall"]["opened"] == (1 if amount == "few" else 40)
