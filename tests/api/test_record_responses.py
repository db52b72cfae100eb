"""record_responses: the store behind every ingest path (COPY on PostgreSQL, INSERT elsewhere)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.db import connection, transaction

from cxmetrics.models import DirtyBucket, NewRows, Response, RollupDelta, Source
from cxmetrics.services.ingest import record_responses, rows, update_responses
from cxmetrics.services.rollup_deltas import expand_new_rows
from tests.factories import make_item


def source():
    return Source.objects.get(slug="integrations")


def test_the_row_gives_each_column_of_the_model_its_value(org, settings):
    # given an item with every field set, and the masking of free text
    settings.CX_REDACT_FREE_TEXT = True
    moment = datetime(2025, 3, 1, 0, 15, tzinfo=UTC)
    now = datetime(2025, 3, 2, tzinfo=UTC)
    item = make_item(
        external_id="e-1",
        metric="sentiment",
        score=-0.25,
        channel="web",
        occurred_at=moment,
        handled_by="ai",
        agent_ref="bot-7",
        customer_ref="f" * 64,
        comment="mail a@example.com",
        attributes={"plan": "pro"},
    )
    # when the row ingest writes is read column by column
    row = dict(zip(rows.COLUMNS, rows.response_row(7, item, now), strict=True))
    # then every column of the table has its value, in the model's order
    assert row == {
        "source_id": 7,
        "external_id": "e-1",
        "metric": "sentiment",
        "score": -0.25,
        "channel_id": item.channel_id,
        "department_id": item.department_id,
        "occurred_at": moment,
        "day": date(2025, 3, 1),
        "received_at": now,
        "handled_by": "ai",
        "agent_ref": "bot-7",
        "customer_ref": "f" * 64,
        "comment": "mail [email]",
        "sentiment": -0.25,
        "attributes": {"plan": "pro"},
    }
    assert [rows.COLUMNS[i] for i in (*rows.DATETIME_AT, *rows.JSON_AT)] == [
        "occurred_at",
        "received_at",
        "attributes",
    ]


def test_every_field_is_stored_as_given(org):
    # given an item at +05:30, with everything filled in
    moment = datetime(2025, 3, 1, 0, 15, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    item = make_item(
        external_id="tab\there, \\ and\nnewline",
        metric="sentiment",
        score=-0.25,
        occurred_at=moment,
        handled_by="ai_to_human",
        agent_ref="bot-7",
        customer_ref="f" * 64,
        comment='Quote " and tab\t',
        attributes={"nested": {"list": [1, 2.5, None]}, "é": "ü"},
    )
    # when
    result = record_responses(source=source(), items=[item])
    # then
    row = Response.objects.get(pk=result.accepted_ids[0])
    assert row.external_id == item.external_id
    assert (row.metric, row.score, row.sentiment) == ("sentiment", -0.25, -0.25)
    assert row.occurred_at == moment and row.day.isoformat() == "2025-02-28"  # UTC day
    assert (row.handled_by, row.agent_ref, row.customer_ref) == ("ai_to_human", "bot-7", "f" * 64)
    assert row.comment == 'Quote " and tab\t'
    assert row.attributes == {"nested": {"list": [1, 2.5, None]}, "é": "ü"}


def test_batches_in_one_outer_transaction_are_counted_separately(org):
    # given two batches in one transaction (the staging table is reused)
    with transaction.atomic():
        first = record_responses(source=source(), items=[make_item(), make_item()])
        second = record_responses(source=source(), items=[make_item()])
    # then
    assert (first.accepted, second.accepted) == (2, 1)
    assert Response.objects.count() == 3


def test_new_rows_are_noted_in_the_same_transaction_and_become_one_delta_per_bucket(org):
    # given
    items = [make_item(channel="chat"), make_item(channel="web"), make_item(channel="web")]
    # when
    result = record_responses(source=source(), items=items)
    # then the batch's ids are noted; no bucket needs a recompute
    assert list(NewRows.objects.values_list("response_ids", flat=True)) == [
        list(result.accepted_ids)
    ]
    assert not DirtyBucket.objects.exists() and not RollupDelta.objects.exists()
    # and expanded, they make one delta per bucket
    with transaction.atomic():
        assert expand_new_rows() == 1
    deltas = RollupDelta.objects.values_list("channel__slug", "n", "promoters")
    assert sorted(deltas) == [("chat", 1, 1), ("web", 2, 2)]
    assert not NewRows.objects.exists()


def test_naive_times_are_refused(org):
    # given / when / then
    with pytest.raises(ValueError, match="offset"):
        record_responses(source=source(), items=[make_item(occurred_at=datetime(2025, 1, 1))])


def test_update_changes_the_stored_row_and_rescores_its_comment(org):
    # given
    first = make_item(external_id="u-1", score=3.0, comment="")
    record_responses(source=source(), items=[first])
    Response.objects.update(sentiment=None)
    # when
    result = update_responses(
        source=source(),
        items=[make_item(external_id="u-1", score=10.0, comment="Wonderful"), make_item()],
    )
    # then
    assert (result.accepted, result.updated) == (1, 1)
    row = Response.objects.get(external_id="u-1")
    assert (row.score, row.comment, row.sentiment) == (10.0, "Wonderful", None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_with_the_same_ids_store_each_id_once(org_committed):
    # given four threads sending overlapping batches at the same time
    ids = [f"c-{i}" for i in range(300)]
    batches = [ids[start : start + 200] for start in (0, 50, 100, 100)]
    results = []
    barrier = threading.Barrier(len(batches))

    def send(batch):
        try:
            items = [make_item(external_id=external_id) for external_id in batch]
            barrier.wait()
            results.append(record_responses(source=source(), items=items))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(batch,)) for batch in batches]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every id is stored once, and the counts add up
    assert Response.objects.count() == 300
    assert sum(r.accepted for r in results) == 300
    assert sum(r.accepted + r.duplicates for r in results) == 800


@pytest.mark.postgres
def test_a_key_stored_after_the_look_up_falls_back_to_the_race_free_path(org, monkeypatch):
    # given a stored response, and a look-up that misses it (as when a concurrent batch
    # commits the same external_id between the look-up and the COPY)
    from cxmetrics.services.ingest import postgresql

    record_responses(source=source(), items=[make_item(external_id="late")])
    monkeypatch.setattr(postgresql, "_stored_external_ids", lambda *args: set())
    # when a batch sends it again with a new one
    result = record_responses(
        source=source(), items=[make_item(external_id="late"), make_item(external_id="new")]
    )
    # then the refused COPY left nothing behind and the batch is counted right
    assert (result.accepted, result.duplicates) == (1, 1)
    assert sorted(Response.objects.values_list("external_id", flat=True)) == ["late", "new"]
    assert Response.objects.get(external_id="new").pk in result.accepted_ids


@pytest.fixture
def org_committed(transactional_db):
    from django.core.management import call_command

    call_command("loaddata", "fixtures/demo_org.json", verbosity=0)


def test_local_day_uses_the_organisation_time_zone(org, settings):
    # given an organisation in Tokyo and a response at 20:00 UTC
    settings.TIME_ZONE = "Asia/Tokyo"
    item = make_item(occurred_at=datetime(2025, 5, 1, 20, 0, tzinfo=UTC))
    # when
    record_responses(source=source(), items=[item])
    # then
    assert Response.objects.get().day.isoformat() == "2025-05-02"


def test_stored_times_compare_correctly_in_the_database(org):
    # given a time sent with a +02:00 offset
    moment = datetime(2025, 5, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    record_responses(source=source(), items=[make_item(occurred_at=moment)])
    # when filtering on a range around it, expressed in UTC
    second = timedelta(seconds=1)
    around = Response.objects.filter(
        occurred_at__gt=moment.astimezone(UTC) - second,
        occurred_at__lt=moment.astimezone(UTC) + second,
    )
    # then the database compares instants, not text
    assert around.count() == 1
