"""Fixtures for the dashboards: responses on known days relative to today."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from cxmetrics.selectors.dashboards.filters import today
from cxmetrics.selectors.summary import SummaryFilters
from tests.factories import make_responses


def days_ago(days: int) -> datetime:
    """Noon, `days` days before today, in the organisation's time zone."""
    moment = datetime.combine(today() - timedelta(days=days), time(12))
    return timezone.make_aware(moment)


def period(days: int) -> SummaryFilters:
    """The last `days` days up to today."""
    end = today()
    return SummaryFilters(start=end - timedelta(days=days - 1), end=end)


def table_rows(table: dict) -> list[dict]:
    """The rows of a `components.table_data`."""
    return table["rows"]


def respond(scores, *, ago: int = 1, **fields):
    return make_responses(scores=scores, occurred_at=days_ago(ago), **fields)


@pytest.fixture
def two_periods(org):
    """NPS: 20 promoters now (last 10 days) vs 20 detractors before (10-19 days ago);
    CSAT: 8 of 10 satisfied now."""
    respond([10] * 15 + [3] * 5, ago=2, metric="nps", channel="web")
    respond([3] * 15 + [10] * 5, ago=15, metric="nps", channel="web")
    respond([5] * 8 + [1] * 2, ago=3, metric="csat", channel="chat")


@pytest.fixture
def as_of() -> date:
    return today()
