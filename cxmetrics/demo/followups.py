"""A past for the demo's follow-ups, so the queue and the follow-up figures tell a story.

The pipeline opens a follow-up for every unhappy demo response when the demo is seeded, all
"now" (`opened_at` is the time of evaluation). A real organisation would have worked through
most of them as they came: this gives each demo follow-up the life it would have had. It was
opened shortly after its response; those older than `WORKED_DAYS` were mostly closed (some
late, some not resolved or unreachable, a few left open and overdue), the recent ones are at
every stage. Deterministic (`seed`), applied once (`apply_demo_followup_history` does nothing
when a demo follow-up is already closed), and only to follow-ups of the demo source: the demo
is marked as demo data through its source ("Demo data (generated)").

Written with `bulk_update`, without audit rows: nobody acted on generated data.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cxmetrics.models import FollowUp, FollowUpStatus, Outcome, RootCause

from .responses import DEMO_SOURCE_SLUG

__all__ = ["WORKED_DAYS", "apply_demo_followup_history"]

WORKED_DAYS = 7  # follow-ups opened longer ago than this are mostly done
# Hours from opening to closing: a log-normal around 30 h, so about two thirds close within
# the default 48-hour SLA.
_CLOSE_HOURS_MEDIAN, _CLOSE_HOURS_SIGMA = 30.0, 0.8
_OUTCOMES = ((Outcome.RESOLVED, 0.7), (Outcome.NOT_RESOLVED, 0.2), (Outcome.UNREACHABLE, 0.1))
# Which root causes each department's unhappy customers mostly had (names of the defaults).
_CAUSES = {
    "support": ("Slow response", "Agent knowledge", "AI could not help"),
    "billing": ("Billing error", "Policy", "Slow response"),
    "product": ("Product defect", "AI could not help", "Other"),
    "stores": ("Delivery", "Policy", "Other"),
    "logistics": ("Delivery", "Slow response", "Other"),
}
_BATCH = 2000


def _choose(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _lived(
    followup: FollowUp,
    *,
    occurred_at: datetime,
    now: datetime,
    rng: random.Random,
    causes: dict[str, list[RootCause]],
) -> None:
    """Set `followup`'s times, status, outcome and root cause as it would have lived."""
    sla = followup.due_at - followup.opened_at
    opened = min(occurred_at + timedelta(minutes=rng.uniform(5, 120)), now)
    followup.opened_at, followup.due_at = opened, opened + sla
    took = timedelta(hours=rng.lognormvariate(0, _CLOSE_HOURS_SIGMA) * _CLOSE_HOURS_MEDIAN)
    closes_at = opened + took
    old = now - opened > timedelta(days=WORKED_DAYS)
    if (old and rng.random() < 0.95) or (not old and closes_at <= now and rng.random() < 0.8):
        outcome = _choose(rng, _OUTCOMES)
        followup.status, followup.outcome = FollowUpStatus.CLOSED, outcome
        followup.closed_at = min(closes_at, now)
        if outcome != Outcome.UNREACHABLE:
            followup.first_contact_at = opened + (followup.closed_at - opened) * rng.uniform(
                0.2, 0.9
            )
        pool = causes.get(followup.department.slug) or causes["other"]
        followup.root_cause = rng.choice(pool)
    elif not old and rng.random() < 0.5:
        followup.status = rng.choice((FollowUpStatus.IN_PROGRESS, FollowUpStatus.CONTACTED))
        if followup.status == FollowUpStatus.CONTACTED:
            followup.first_contact_at = opened + (now - opened) * rng.uniform(0.1, 0.9)


def apply_demo_followup_history(*, now: datetime | None = None, seed: int = 42) -> int:
    """Give the demo source's follow-ups their past (see the module); the number changed."""
    demo = FollowUp.objects.filter(source__slug=DEMO_SOURCE_SLUG)
    if demo.filter(status=FollowUpStatus.CLOSED).exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)
    by_name = {c.name: c for c in RootCause.objects.filter(active=True)}
    causes = {
        slug: [by_name[name] for name in names if name in by_name]
        for slug, names in _CAUSES.items()
    }
    causes["other"] = list(by_name.values())
    fields = [
        "opened_at",
        "due_at",
        "status",
        "outcome",
        "root_cause",
        "first_contact_at",
        "closed_at",
    ]
    changed = 0
    rows = demo.select_related("department", "response").order_by("pk")
    with transaction.atomic():
        batch = []
        for followup in rows.iterator(chunk_size=_BATCH):
            _lived(
                followup,
                occurred_at=followup.response.occurred_at,
                now=now,
                rng=rng,
                causes=causes,
            )
            batch.append(followup)
            if len(batch) >= _BATCH:
                changed += FollowUp.objects.bulk_update(batch, fields)
                batch = []
        changed += FollowUp.objects.bulk_update(batch, fields)
    return changed
