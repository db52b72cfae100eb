"""The demo's follow-ups get the past they would have had: old ones mostly closed, some late,
recent ones at every stage; applied once, to the demo source only."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from cxmetrics.demo.followups import WORKED_DAYS, apply_demo_followup_history
from cxmetrics.models import FollowUp, FollowUpStatus, on_time_q, overdue_q
from cxmetrics.services.followups import open_followups


def test_the_demo_follow_ups_live_their_past_once(org):
    # given the demo's responses (of the last 180 days), their follow-ups all opened "now"
    NOW = timezone.now()
    call_command("seed_demo", count=3000, no_progress=True, verbosity=0)
    open_followups(now=NOW)
    demo = FollowUp.objects.filter(source__slug="demo")
    total = demo.count()
    assert total == 300  # 194 NPS 0-6, 33 CSAT 1-2, 39 CES 1-3, 37 comments <= -0.5, 3 twice
    assert not demo.filter(status=FollowUpStatus.CLOSED).exists()

    # when their history is applied
    changed = apply_demo_followup_history(now=NOW)

    # then every one changed, and each opened within two hours of its response
    assert changed == total
    for followup in demo.select_related("response", "rule"):
        after = followup.opened_at - followup.response.occurred_at
        assert after <= timedelta(hours=2)
        assert after >= timedelta(minutes=5) or followup.opened_at == NOW  # not in the future
        assert followup.due_at - followup.opened_at == timedelta(hours=followup.rule.sla_hours)
        if followup.status == FollowUpStatus.CLOSED:
            assert followup.outcome and followup.root_cause_id and followup.closed_at <= NOW
    old = demo.filter(opened_at__lt=NOW - timedelta(days=WORKED_DAYS))
    closed_old = old.filter(status=FollowUpStatus.CLOSED).count()
    assert 0.9 < closed_old / old.count() < 1.0  # about 95% of the old ones were worked
    on_time = old.filter(on_time_q()).count() / closed_old
    assert 0.55 < on_time < 0.85  # about two thirds within the 48-hour SLA
    assert old.filter(overdue_q(now=NOW)).exists()  # and a few were left behind
    recent = demo.exclude(pk__in=old)
    assert {FollowUpStatus.OPEN, FollowUpStatus.CLOSED} <= set(
        recent.values_list("status", flat=True)
    )

    # and a second run changes nothing
    assert apply_demo_followup_history(now=NOW) == 0
