"""Plain factory functions: make_*(**overrides) with realistic defaults."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from django.contrib.auth.models import Group, User
from django.test import TestCase
from django.utils import timezone

from cxmetrics.ingest.types import ResponseIn
from cxmetrics.models import ApiKey, Channel, Department, Source
from cxmetrics.services import record_responses

_ids = count(1)
PASSWORD = "correct horse battery staple"


def make_user(username: str | None = None, *, role: str | None = None, leads=()) -> User:
    user = User.objects.create_user(username or f"user{next(_ids)}", password=PASSWORD)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    for slug in leads:
        Department.objects.get(slug=slug).leads.add(user)
    return user


def make_item(**overrides: Any) -> ResponseIn:
    """A valid ResponseIn; `channel` / `department` may be given as slugs."""
    channel = overrides.pop("channel", "web")
    department = overrides.pop("department", "support")
    values: dict[str, Any] = {
        "external_id": f"ext-{next(_ids)}",
        "metric": "nps",
        "score": 9.0,
        "channel_id": Channel.objects.get(slug=channel).pk,
        "department_id": Department.objects.get(slug=department).pk,
        "occurred_at": timezone.now() - timezone.timedelta(hours=1),
    }
    values.update(overrides)
    return ResponseIn(**values)


def make_responses(source: str = "integrations", **common: Any) -> Any:
    """Store responses: make_responses(scores=[9, 10, 3], metric="nps", channel="chat")."""
    scores = common.pop("scores")
    items = [make_item(score=float(score), **common) for score in scores]
    # Run the on-commit work (sentiment, rollup refresh) as a committed request would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return record_responses(source=Source.objects.get(slug=source), items=items)


def make_api_key(source: str = "integrations") -> str:
    key, prefix, hashed = ApiKey.generate()
    ApiKey.objects.create(source=Source.objects.get(slug=source), prefix=prefix, hashed_key=hashed)
    return key


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)
