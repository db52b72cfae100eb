"""Responses edited or deleted in the admin: not additive, so their buckets are marked dirty and
the refresh recomputes them; the rollups equal the raw figures again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cxmetrics.enqueue import OPEN_FOLLOWUPS, REFRESH_ROLLUPS, SCORE_SENTIMENT
from cxmetrics.models import Channel, DailyRollup, DirtyBucket, Response
from cxmetrics.selectors.summary import metric_summary, metric_summary_raw
from cxmetrics.services.rollups import rebuild_rollups, refresh_all_dirty_rollups
from cxmetrics.services.sentiment import score_comments
from tests.factories import make_responses, make_user

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


def _posted(form) -> dict:
    """The form's current values as the browser would post them."""
    from django import forms

    data = {}
    for bound in form:
        value = bound.field.prepare_value(bound.value())
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = part
        elif value is not None:
            data[bound.html_name] = value
    return data


def test_the_admin_refuses_an_edited_comment_over_the_limit(
    org, no_publish, response_admin, request_, settings
):
    # given a stored response and a limit of 20 characters
    settings.CX_COMMENT_MAX_CHARS = 20
    make_responses(scores=[9], channel="web", comment="fine")
    row = Response.objects.get()
    request_.user = make_user("boss", role="admin")
    form_class = response_admin.get_form(request_, row)
    data = _posted(form_class(instance=row))

    # when an admin writes 21 characters, then 20
    long = form_class({**data, "comment": "x" * 21}, instance=row)
    short = form_class({**data, "comment": "x" * 20}, instance=Response.objects.get())

    # then the first is refused next to the field, the second accepted
    assert long.errors == {"comment": ["At most 20 characters (this one has 21)."]}
    assert short.is_valid(), short.errors


def test_the_admin_keeps_an_older_longer_comment_when_other_fields_change(
    org, no_publish, response_admin, request_, settings
):
    # given a comment stored before the limit was lowered
    make_responses(scores=[9], channel="web", comment="y" * 30)
    settings.CX_COMMENT_MAX_CHARS = 20
    row = Response.objects.get()
    request_.user = make_user("boss", role="admin")
    form_class = response_admin.get_form(request_, row)
    data = _posted(form_class(instance=row))

    # when an admin corrects only the score
    form = form_class({**data, "score": "10"}, instance=row)

    # then the edit is accepted (the comment is not what changed)
    assert form.is_valid(), form.errors


def test_the_admin_list_shows_the_start_of_a_long_comment(org, no_publish, admin_client):
    # given a stored comment of 300,000 characters
    make_responses(scores=[9], channel="web", comment="fine")
    Response.objects.update(comment="z" * 300_000)

    # when the list of responses is shown
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get("/admin/cxmetrics/response/")

    # then it read only the start of the comment, and shows 80 characters and an ellipsis
    listing = [q["sql"] for q in queries if "SUBSTR" in q["sql"].upper()]
    assert len(listing) == 1
    assert listing[0].count('"cxmetrics_response"."comment"') == 1  # inside SUBSTR only
    assert page.status_code == 200
    html = page.content.decode()
    assert "z" * 80 + "…" in html and "z" * 81 not in html


ROLLUP_COLUMNS = ("n", "promoters", "detractors", "commented", "sentiment_n", "sentiment_total")


def _rollups() -> list[tuple]:
    return sorted(DailyRollup.objects.values_list("metric", *ROLLUP_COLUMNS))


def test_an_edited_comment_is_redacted_rescored_and_rolled_up_as_a_rebuild(
    org, no_publish, response_admin, request_, django_capture_on_commit_callbacks
):
    # given two scored, rolled-up NPS responses with comments
    make_responses(scores=[9, 3], channel="web", comment="Great help, thanks!")
    score_comments()
    refresh_all_dirty_rollups()
    row = Response.objects.get(score=3)
    no_publish.clear()

    # when an admin rewrites the detractor's comment with an e-mail address in it
    row.comment = "Awful. Never again. Write to jane.doe@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        response_admin.save_model(request_, row, form=None, change=True)

    # then the comment is stored masked, its old sentiment is gone and it is queued to re-score
    row.refresh_from_db()
    assert row.comment == "Awful. Never again. Write to [email]"
    assert row.sentiment is None
    # (and noted for the follow-up rules, whose evaluation is queued too)
    assert no_publish == [
        (OPEN_FOLLOWUPS, ()),
        (SCORE_SENTIMENT, ([row.pk],)),
        (REFRESH_ROLLUPS, ()),
    ]
    # and once scored and refreshed, the rollup equals a rebuild from raw rows, with the new
    # sentiment: 0.8748 (the promoter's) - 0.4588, in units of 1e-4
    assert score_comments(response_ids=[row.pk]) == 1
    row.refresh_from_db()
    assert row.sentiment == -0.4588
    refresh_all_dirty_rollups()
    refreshed = _rollups()
    rebuild_rollups()
    assert refreshed == _rollups() == [("nps", 2, 1, 1, 2, 2, 4160)]


def test_the_change_form_stores_an_edited_comment_masked(
    org, no_publish, response_admin, request_, admin_client
):
    # given a stored response and its change form as the browser would post it back
    make_responses(scores=[9], channel="web", comment="fine")
    row = Response.objects.get()
    request_.user = make_user("boss", role="admin")
    data = _posted(response_admin.get_form(request_, row)(instance=row))

    # when an admin posts a comment with a phone number and an e-mail address
    page = admin_client.post(
        f"/admin/cxmetrics/response/{row.pk}/change/",
        {**data, "comment": "call +44 20 7946 0958 or a.b@example.org"},
    )

    # then the change is saved masked, and its bucket is dirty
    assert page.status_code == 302, page.content.decode()[:2000]
    row.refresh_from_db()
    assert row.comment == "call [phone] or [email]"
    assert DirtyBucket.objects.count() == 1
