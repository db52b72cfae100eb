"""Responses edited or deleted in the admin: not additive, so their buckets are marked dirty and
the refresh recomputes them; the rollups equal the raw figures again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import RequestFactory

from cxmetrics.models import Channel, DailyRollup, DirtyBucket, Response
from cxmetrics.selectors.summary import metric_summary, metric_summary_raw
from cxmetrics.services.rollups import refresh_all_dirty_rollups
from tests.factories import make_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def response_admin():
    return admin.site._registry[Response]


@pytest.fixture
def request_():
    return RequestFactory().post("/admin/")


def _converged() -> bool:
    refresh_all_dirty_rollups()
    return metric_summary(metric="nps", group_by="channel") == metric_summary_raw(
        metric="nps", group_by="channel"
    )


def test_an_edit_that_moves_a_response_marks_both_buckets(
    org, no_publish, response_admin, request_
):
    # given two rolled-up responses on the web channel
    make_responses(scores=[9, 3], channel="web")
    refresh_all_dirty_rollups()
    row = Response.objects.get(score=3)

    # when an admin corrects its score and channel
    row.score, row.channel_id = 10.0, Channel.objects.get(slug="chat").pk
    response_admin.save_model(request_, row, form=None, change=True)

    # then the old and the new bucket are dirty, and a refresh recomputes both
    assert DirtyBucket.objects.count() == 2
    assert _converged()
    assert sorted(DailyRollup.objects.values_list("n", "promoters", "detractors")) == [
        (1, 1, 0),
        (1, 1, 0),
    ]


def test_deletes_mark_their_buckets(org, no_publish, response_admin, request_):
    # given three rolled-up responses in two buckets
    make_responses(scores=[9, 3], channel="web")
    make_responses(scores=[7], channel="chat")
    refresh_all_dirty_rollups()

    # when an admin deletes one, then a selection
    response_admin.delete_model(request_, Response.objects.get(score=3))
    response_admin.delete_queryset(request_, Response.objects.filter(score=7))

    # then the refresh recomputes them: an emptied bucket loses its rollup
    assert DirtyBucket.objects.count() == 2
    assert _converged()
    assert list(DailyRollup.objects.values_list("n", "promoters")) == [(1, 1)]


def test_a_corrected_occurred_at_moves_the_response_to_its_day(
    org, no_publish, response_admin, request_
):
    # given a rolled-up response
    make_responses(scores=[9], channel="web")
    refresh_all_dirty_rollups()
    row = Response.objects.get()
    old_day = row.day

    # when an admin moves it three days back
    row.occurred_at -= timedelta(days=3)
    response_admin.save_model(request_, row, form=None, change=True)

    # then its day follows, and the rollups move with it
    row.refresh_from_db()
    assert row.day == old_day - timedelta(days=3)
    assert _converged()
    assert list(DailyRollup.objects.values_list("day", "n")) == [(row.day, 1)]
