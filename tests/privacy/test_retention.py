"""Retention: responses of days before the cutoff are anonymised in batches, figures unchanged
(rollups, summaries and a rebuild from raw rows), one audit record per run."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from cxmetrics.models import REMOVED_COMMENT, PrivacyEvent, Response
from cxmetrics.selectors.summary import metric_summary, metric_summary_raw
from cxmetrics.services.privacy import apply_retention, retention_cutoff
from cxmetrics.services.sentiment import score_comments
from tests.privacy.helpers import assert_rollups_equal_raw

URL = "/api/v1/responses"
TODAY = date(2025, 5, 31)  # with 30 days, the cutoff is 2025-05-01


def _item(external_id: str, day: str, **extra: object) -> dict:
    return {
        "external_id": external_id,
        "metric": "nps",
        "score": 9,
        "channel": "chat",
        "occurred_at": f"{day}T12:00:00Z",
        "customer_id": f"cust-{external_id}",
        "agent_ref": "agent-7",
        "attributes": {"plan": "pro"},
        **extra,
    }


@pytest.fixture
def stored(api, django_capture_on_commit_callbacks):
    items = [
        _item("old-1", "2025-04-10", comment="Terrible wait, awful", score=2),
        _item("old-2", "2025-04-30", comment="Lovely people, great help", metric="csat", score=5),
        _item("old-3", "2025-04-30", metric="sentiment", score=-0.5, comment="sent as scored"),
        _item("old-4", "2025-04-20"),
        _item("edge", "2025-05-01", comment="Fine"),
        _item("new-1", "2025-05-20", comment="Great", score=10),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(URL, items, format="json").status_code == 201
    score_comments()
    assert_rollups_equal_raw()


def _figures() -> dict:
    figures = {}
    for metric in ("nps", "csat", "sentiment"):
        for group_by in (None, "channel", "day"):
            figures[metric, group_by] = metric_summary(metric=metric, group_by=group_by)
            assert figures[metric, group_by] == metric_summary_raw(metric=metric, group_by=group_by)
    return figures


def test_the_cutoff_is_counted_in_days():
    assert retention_cutoff(days=30, today=TODAY) == date(2025, 5, 1)
    assert retention_cutoff(days=1, today=TODAY) == date(2025, 5, 30)


def test_old_responses_are_anonymised_and_figures_stay_identical(stored):
    # given the figures, and the sentiment of old-1's comment
    before = _figures()
    rollups_before = assert_rollups_equal_raw()
    old_sentiment = Response.objects.get(external_id="old-1").sentiment
    assert old_sentiment is not None and old_sentiment < -0.5
    # when
    event = apply_retention(actor="beat", days=30, today=TODAY, batch_size=2)
    # then the four responses before 2025-05-01 hold no personal data, in 2 batches of 2
    assert event.responses == 4
    old = Response.objects.filter(day__lt=date(2025, 5, 1)).order_by("external_id")
    assert list(old.values_list("external_id", "customer_ref", "agent_ref", "attributes")) == [
        ("old-1", "", "", {}),
        ("old-2", "", "", {}),
        ("old-3", "", "", {}),
        ("old-4", "", "", {}),
    ]
    assert list(old.values_list("comment", flat=True)) == [
        REMOVED_COMMENT,
        REMOVED_COMMENT,
        REMOVED_COMMENT,
        "",
    ]
    # and scores and comment sentiment are kept, so every figure is what it was
    assert Response.objects.get(external_id="old-1").sentiment == old_sentiment
    assert _figures() == before
    assert assert_rollups_equal_raw() == rollups_before
    # and the responses of the cutoff day and after are untouched
    kept = Response.objects.filter(day__gte=date(2025, 5, 1)).order_by("external_id")
    assert list(kept.values_list("comment", "agent_ref", "attributes")) == [
        ("Fine", "agent-7", {"plan": "pro"}),
        ("Great", "agent-7", {"plan": "pro"}),
    ]
    assert all(len(ref) == 64 for ref in kept.values_list("customer_ref", flat=True))


def test_each_run_is_recorded_and_a_second_run_does_nothing(stored):
    # when
    first = apply_retention(actor="beat", days=30, today=TODAY)
    second = apply_retention(actor="manage.py", days=30, today=TODAY)
    # then
    runs = [(e.kind, e.actor_label, e.responses, e.before_day, e.reason) for e in (first, second)]
    assert runs == [
        ("retention", "beat", 4, date(2025, 5, 1), "retention period: 30 days"),
        ("retention", "manage.py", 0, date(2025, 5, 1), "retention period: 30 days"),
    ]
    assert PrivacyEvent.objects.count() == 2


def test_an_unscored_comment_is_kept_until_it_is_scored(api, django_capture_on_commit_callbacks):
    # given an old comment not scored yet (scoring is queued, not run)
    api.post(URL, [_item("u1", "2025-04-01", comment="Awful, just awful")], format="json")
    # when
    apply_retention(actor="beat", days=30, today=TODAY)
    # then its refs go now, its comment stays for the scorer
    row = Response.objects.get()
    assert (row.comment, row.customer_ref, row.sentiment) == ("Awful, just awful", "", None)
    # and once scored, the next run removes it, keeping the score in the figures
    score_comments()
    figures = metric_summary_raw(metric="sentiment")
    assert apply_retention(actor="beat", days=30, today=TODAY).responses == 1
    assert Response.objects.get().comment == REMOVED_COMMENT
    assert metric_summary_raw(metric="sentiment") == figures


def test_unset_keeps_everything(stored):
    assert settings.CX_RETENTION_DAYS is None
    assert apply_retention(actor="beat") is None
    assert not Response.objects.filter(customer_ref="").exists()
    assert not PrivacyEvent.objects.exists()


def test_the_command_uses_the_setting_or_days(stored):
    # when
    out = StringIO()
    with override_settings(CX_RETENTION_DAYS=30):
        call_command("apply_retention", "--today", "2025-05-31", stdout=out)
    # then
    assert out.getvalue().strip() == (
        "Anonymised 4 responses of days before 2025-05-01 (retention period: 30 days)."
    )
    assert PrivacyEvent.objects.get().actor_label == "manage.py"


def test_the_command_says_when_retention_is_off(org):
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert out.getvalue().strip() == "CX_RETENTION_DAYS is not set: every response is kept."


def test_the_nightly_task_is_scheduled_and_calls_the_service(stored, monkeypatch):
    # given
    from cxmetrics import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["nightly-retention"]
    assert entry["task"] == "cxmetrics.tasks.apply_retention"
    # when
    with override_settings(CX_RETENTION_DAYS=1):
        anonymised = tasks.apply_retention()
    # then every response before yesterday's day (all of them, in 2025) is anonymised
    assert anonymised == 6
    assert PrivacyEvent.objects.get().actor_label == "beat"


def test_removed_comments_leave_the_voice_page(stored):
    # given the comments of April and May
    from cxmetrics.selectors.dashboards import negative_themes, recent_comments
    from cxmetrics.selectors.summary import SummaryFilters

    spring = SummaryFilters(start=date(2025, 4, 1), end=date(2025, 5, 31))
    assert recent_comments(filters=spring)["total"] == 5
    assert negative_themes(filters=spring)["n"] == 2
    # when April is anonymised
    apply_retention(actor="beat", days=30, today=TODAY)
    # then only May's own words are listed, and no theme reads a removed comment
    listed = recent_comments(filters=spring)
    assert [row["comment"] for row in listed["comments"]] == ["Fine", "Great"]
    themes = negative_themes(filters=spring)
    assert (themes["n"], themes["themes"]) == (0, [])


def test_a_skipped_comment_is_removed_as_a_scored_one_is(api, django_capture_on_commit_callbacks):
    # given an old comment the scorer gave up on (it will never be scored)
    from cxmetrics.models import SkippedComment

    api.post(URL, [_item("s1", "2025-04-01", comment="Call Ann Smith back")], format="json")
    SkippedComment.objects.create(response=Response.objects.get(), reason="soft time limit")
    figures = metric_summary_raw(metric="nps")
    # when
    assert apply_retention(actor="beat", days=30, today=TODAY).responses == 1
    # then its text goes too, and the figures stay
    row = Response.objects.get()
    assert (row.comment, row.customer_ref, row.sentiment) == (REMOVED_COMMENT, "", None)
    assert metric_summary_raw(metric="nps") == figures
