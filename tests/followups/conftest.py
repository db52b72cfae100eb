"""Factories for follow-ups: store responses, run the evaluation, read what opened."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from cxmetrics.models import FollowUp, FollowUpRule, Source
from cxmetrics.services.followups import open_followups
from cxmetrics.services.ingest import record_responses, update_responses
from tests.factories import make_item

# A fixed evaluation time: every due_at below is worked out from it.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC"))
DAY0 = datetime(2026, 3, 1, 12, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def no_publish(monkeypatch) -> list[tuple[str, tuple]]:
    """Nothing is queued (eager tasks would run inline); returns what was."""
    from cxmetrics import enqueue

    queued: list[tuple[str, tuple]] = []
    monkeypatch.setattr(enqueue, "publish", lambda name, *args: queued.append((name, args)))
    return queued


def source(slug: str = "integrations") -> Source:
    return Source.objects.get(slug=slug)


def push(*items: Any, slug: str = "integrations", now: datetime = NOW) -> list[int]:
    """Store `items` as ingest does, then run the evaluation; returns the accepted ids."""
    result = record_responses(source=source(slug), items=list(items))
    open_followups(now=now)
    return list(result.accepted_ids)


def resend(*items: Any, slug: str = "integrations", now: datetime = NOW) -> None:
    """A vendor update event for `items`, then the evaluation."""
    update_responses(source=source(slug), items=list(items))
    open_followups(now=now)


def item(**overrides: Any) -> Any:
    overrides.setdefault("occurred_at", DAY0)
    return make_item(**overrides)


def followup_of(response_id: int) -> FollowUp | None:
    return FollowUp.objects.filter(response_id=response_id).first()


def rule(name_start: str) -> FollowUpRule:
    return FollowUpRule.objects.get(name__startswith=name_start)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def opened(**overrides: Any) -> FollowUp:
    """One stored detractor's follow-up (Support's unless `department` says otherwise)."""
    overrides.setdefault("score", 3.0)
    slug = overrides.pop("slug", "integrations")
    (pk,) = push(item(**overrides), slug=slug)
    followup = followup_of(pk)
    assert followup is not None
    return followup
