"""Follow-ups open in the pipeline: the default rules at their boundaries, idempotency under
resend and vendor update, the dedupe window, the SLA and the backfill."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from cxmetrics import enqueue
from cxmetrics.models import FollowUp, FollowUpLink, FollowUpNote, FollowUpRule, Response
from cxmetrics.services.followups import open_followups
from cxmetrics.services.ingest import edit_response, record_responses
from cxmetrics.services.sentiment import score_comments
from tests.followups.conftest import (
    DAY0,
    NOW,
    days,
    followup_of,
    item,
    push,
    resend,
    rule,
    source,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("metric", "score", "opens", "rule_name"),
    [
        ("nps", 0, True, "NPS"),
        ("nps", 6, True, "NPS"),
        ("nps", 7, False, None),
        ("csat", 1, True, "CSAT"),
        ("csat", 2, True, "CSAT"),
        ("csat", 3, False, None),
        ("ces", 3, True, "CES"),
        ("ces", 4, False, None),
        ("sentiment", -0.5, True, "Negative"),
        ("sentiment", -0.49, False, None),
        ("sentiment", -1.0, True, "Negative"),
    ],
)
def test_each_default_rule_at_its_boundary(org, no_publish, metric, score, opens, rule_name):
    # given the default rules (migration 0013)
    # when one response is pushed
    (pk,) = push(item(metric=metric, score=float(score)))
    # then it opens a follow-up under the matching rule, or nothing
    followup = followup_of(pk)
    assert (followup is not None) == opens
    if opens:
        assert followup.rule == rule(rule_name)


def test_a_follow_up_copies_its_keys_and_gets_its_sla(org, no_publish):
    # given an NPS 3 of the billing department, with a customer
    (pk,) = push(item(score=3.0, department="billing", customer_ref="c" * 64))
    # then billing owns it, open, normal priority, due 48 h after it opened
    followup = followup_of(pk)
    assert followup.department.slug == "billing"
    assert followup.status == "open" and followup.outcome == ""
    assert followup.priority == "normal"
    assert followup.opened_at == NOW
    assert followup.due_at == NOW + timedelta(hours=48)
    assert followup.source.slug == "integrations"
    assert followup.customer_ref == "c" * 64
    # and its opening is audited, by no person (the pipeline)
    (opening,) = followup.history.all()
    assert opening.history_type == "+" and opening.history_user is None


def test_ingest_appends_one_note_per_batch_and_queues_the_evaluation(org, no_publish):
    # when a batch of three is stored
    result = record_responses(
        source=source(), items=[item(score=3.0), item(score=9.0), item(score=1.0)]
    )
    # then one note lists the three ids, and the evaluation is queued on commit
    assert list(FollowUpNote.objects.values_list("response_ids", flat=True)) == [
        list(result.accepted_ids)
    ]
    # (on_commit hooks do not run inside the test's transaction: nothing opened yet)
    assert not FollowUp.objects.exists()
    # when the evaluation runs
    assert open_followups(now=NOW) == 2
    # then the note is consumed
    assert not FollowUpNote.objects.exists()


def test_the_evaluation_is_queued_after_commit(org, no_publish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_responses(source=source(), items=[item(score=2.0)])
    assert (enqueue.OPEN_FOLLOWUPS, ()) in no_publish


def test_a_resent_response_opens_nothing_new(org, no_publish):
    # given a detractor that opened a follow-up
    push(item(external_id="t-1", score=2.0))
    # when the same external_id is sent again (any score)
    push(item(external_id="t-1", score=2.0))
    push(item(external_id="t-1", score=0.0))
    # then there is still one follow-up
    assert FollowUp.objects.count() == 1
    assert not FollowUpNote.objects.exists()


def test_a_vendor_update_into_a_detractor_opens_one_once(org, no_publish):
    # given a promoter: nothing opened
    (pk,) = push(item(external_id="d-1", score=9.0))
    assert followup_of(pk) is None
    # when its vendor updates it to a 4, twice
    resend(item(external_id="d-1", score=4.0))
    resend(item(external_id="d-1", score=5.0))
    # then exactly one follow-up
    assert FollowUp.objects.filter(response_id=pk).count() == 1
    assert FollowUp.objects.count() == 1


def test_a_vendor_update_out_of_the_band_keeps_the_follow_up(org, no_publish):
    # given a detractor's follow-up
    (pk,) = push(item(external_id="d-2", score=3.0))
    # when its vendor updates it to a promoter
    resend(item(external_id="d-2", score=10.0))
    # then the follow-up stays (someone may already be acting on it)
    assert followup_of(pk) is not None


def test_an_admin_edit_is_evaluated_again(org, no_publish):
    (pk,) = push(item(score=8.0))
    response = Response.objects.get(pk=pk)
    response.score = 6.0
    edit_response(response=response)
    open_followups(now=NOW)
    assert followup_of(pk).rule == rule("NPS")


def test_a_comment_scored_negative_opens_the_sentiment_rule(org, no_publish):
    # given a promoter with an angry comment (unscored at ingest)
    (pk,) = push(item(score=9.0, comment="Terrible, awful, horrible service. I hate it."))
    assert followup_of(pk) is None
    # when the scorer stores its sentiment (VADER well below -0.5)
    assert score_comments() == 1
    assert Response.objects.get(pk=pk).sentiment <= -0.5
    # then the scored ids were noted and the sentiment rule opens one
    open_followups(now=NOW)
    assert followup_of(pk).rule == rule("Negative")


def test_a_response_matching_two_rules_opens_one_follow_up(org, no_publish):
    # given an NPS 2 with a very negative comment, scored before the evaluation runs
    record_responses(
        source=source(), items=[item(score=2.0, comment="Awful. I hate it. Horrible.")]
    )
    score_comments()
    # when the notes of ingest and of the scorer are evaluated
    open_followups(now=NOW)
    # then one follow-up, under the first rule tried (same priority: the oldest, NPS)
    (followup,) = FollowUp.objects.all()
    assert followup.rule == rule("NPS")


REF = "a" * 64


@pytest.mark.parametrize(
    ("later", "linked"),
    [(days(7), True), (days(7) + timedelta(seconds=1), False), (days(8), False), (-days(7), True)],
)
def test_the_dedupe_window_is_seven_days_inclusive(org, no_publish, later, linked):
    # given a customer's detractor that opened a follow-up
    (first,) = push(item(score=3.0, customer_ref=REF, occurred_at=DAY0))
    # when the same customer answers again, `later` after it
    (second,) = push(item(score=2.0, customer_ref=REF, occurred_at=DAY0 + later))
    # then inside the window it is linked to the first follow-up, outside it opens its own
    if linked:
        assert followup_of(second) is None
        assert FollowUpLink.objects.get(response_id=second).followup == followup_of(first)
    else:
        assert followup_of(second) is not None
        assert not FollowUpLink.objects.exists()


def test_a_closed_follow_up_still_dedupes_inside_its_window(org, no_publish):
    (first,) = push(item(score=3.0, customer_ref=REF))
    FollowUp.objects.filter(response_id=first).update(
        status="closed", outcome="resolved", closed_at=NOW
    )
    (second,) = push(item(score=3.0, customer_ref=REF, occurred_at=DAY0 + days(2)))
    assert FollowUpLink.objects.get(response_id=second).followup.response_id == first


def test_dedupe_is_per_rule_and_needs_a_customer(org, no_publish):
    # given a customer's NPS detractor
    push(item(score=3.0, customer_ref=REF))
    # when the same customer gives a CSAT 1 the next day: another rule, its own follow-up
    (csat,) = push(item(metric="csat", score=1.0, customer_ref=REF, occurred_at=DAY0 + days(1)))
    # and two detractors without a customer_ref: never deduped
    anonymous = push(item(score=1.0), item(score=1.0))
    # then
    assert followup_of(csat).rule == rule("CSAT")
    assert all(followup_of(pk) for pk in anonymous)
    assert FollowUp.objects.count() == 4
    assert not FollowUpLink.objects.exists()


def test_one_batch_dedupes_within_itself_and_later_responses_link_to_the_first(org, no_publish):
    # given three answers of one customer in one batch, out of order
    ids = push(
        item(score=3.0, customer_ref=REF, occurred_at=DAY0 + days(3)),
        item(score=3.0, customer_ref=REF, occurred_at=DAY0),
        item(score=3.0, customer_ref=REF, occurred_at=DAY0 + days(10)),
    )
    # then the earliest opens, day 3 links to it, day 10 opens its own
    assert FollowUpLink.objects.get(response_id=ids[0]).followup.response_id == ids[1]
    assert followup_of(ids[1]) and followup_of(ids[2])
    assert FollowUp.objects.count() == 2


def test_dedupe_days_zero_never_dedupes(org, no_publish):
    FollowUpRule.objects.filter(metric="nps").update(dedupe_days=0)
    push(item(score=3.0, customer_ref=REF), item(score=3.0, customer_ref=REF))
    assert FollowUp.objects.count() == 2


def test_a_linked_response_updated_by_its_vendor_opens_nothing(org, no_publish):
    push(item(external_id="x1", score=3.0, customer_ref=REF))
    (second,) = push(item(external_id="x2", score=3.0, customer_ref=REF))
    resend(item(external_id="x2", score=1.0, customer_ref=REF))
    assert FollowUp.objects.count() == 1
    assert FollowUpLink.objects.filter(response_id=second).count() == 1


def test_an_inactive_rule_opens_nothing_and_narrowing_applies(org, no_publish):
    FollowUpRule.objects.filter(metric="csat").update(active=False)
    nps = rule("NPS")
    nps.has_comment = True
    nps.handled_by = ["ai"]
    nps.save()
    nps.channels.set([])
    ids = push(
        item(metric="csat", score=1.0),
        item(score=3.0, comment="meh", handled_by="ai"),
        item(score=3.0, comment="meh", handled_by="human"),
        item(score=3.0, handled_by="ai"),
    )
    assert [followup_of(pk) is not None for pk in ids] == [False, True, False, False]


def test_an_owner_department_owns_the_follow_ups_and_sla_and_priority_follow_the_rule(
    org, no_publish
):
    from cxmetrics.models import Department

    FollowUpRule.objects.filter(metric="nps").update(
        owner_department=Department.objects.get(slug="logistics"), sla_hours=4, priority="high"
    )
    (pk,) = push(item(score=0.0, department="support"))
    followup = followup_of(pk)
    assert followup.department.slug == "logistics"
    assert followup.due_at == NOW + timedelta(hours=4)
    assert followup.priority == "high"


def test_the_backfill_evaluates_stored_responses_once(org, no_publish):
    # given responses stored while no rule was active
    FollowUpRule.objects.update(active=False)
    ids = push(item(score=3.0), item(score=9.0), item(metric="csat", score=2.0))
    assert not FollowUp.objects.exists()
    FollowUpRule.objects.update(active=True)
    # when the backfill runs, twice
    call_command("open_followups", "--backfill", stdout=None)
    call_command("open_followups", "--backfill", stdout=None)
    # then the two detractors have one follow-up each
    assert [followup_of(pk) is not None for pk in ids] == [True, False, True]
    assert FollowUp.objects.count() == 2
    assert not FollowUpNote.objects.exists()


def test_open_followups_limit_counts_notes(org, no_publish):
    record_responses(source=source(), items=[item(score=1.0)])
    record_responses(source=source(), items=[item(score=1.0)])
    assert open_followups(limit=1, now=NOW) == 1
    assert FollowUpNote.objects.count() == 1
    assert open_followups(now=NOW) == 1
