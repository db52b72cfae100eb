"""Stored responses changed in place: vendor update events, and edits and deletes in the admin.

A change is not additive, so it marks the buckets before and after it dirty (the refresh
recomputes them from raw rows) instead of appending deltas. Every path stores free text as
ingest does (`personal_data.stored_text`) and re-scores a comment that changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from django.db import transaction
from django.db.models import QuerySet

from cxmetrics import enqueue
from cxmetrics.ingest.types import IngestResult, ResponseIn
from cxmetrics.localtime import local_day
from cxmetrics.models import BUCKET_FIELDS, Metric, Response, Source
from cxmetrics.services.followups.creation import note_responses
from cxmetrics.services.personal_data import stored_text

from .marks import bucket_of, mark_dirty, queue_rollup_refresh
from .record import record_responses

__all__ = ["delete_responses", "edit_response", "update_responses"]

_UPDATABLE = (
    "metric",
    "score",
    "comment",
    "sentiment",
    "attributes",
    "customer_ref",
    "agent_ref",
)


def _set_comment(row: Response, comment: str, *, previous: str) -> bool:
    """Store `comment` (already masked) on `row`, whose metric and score are final.

    A comment that differs from `previous` loses its sentiment, to be re-scored; a sentiment
    response's sentiment is its score. Returns whether the comment must be re-scored.
    """
    rescore = comment != previous
    if rescore:
        row.sentiment = None
    row.comment = comment
    if row.metric == Metric.SENTIMENT:
        row.sentiment = row.score
    return rescore


def _as_item(response: Response) -> ResponseIn:
    """`response` as an ingest item (every `ResponseIn` field is a `Response` attribute)."""
    return ResponseIn(**{f.name: getattr(response, f.name) for f in fields(ResponseIn)})


def _after_change(keys: set[tuple], rescore: Sequence[int], *, changed: Sequence[int] = ()) -> None:
    """Mark the changed buckets dirty, note the `changed` responses for the follow-up rules,
    and queue the re-scoring, the refresh and the evaluation after commit."""
    mark_dirty(keys)
    note_responses(changed)
    if rescore:
        enqueue.publish_on_commit(enqueue.SCORE_SENTIMENT, list(rescore))
    queue_rollup_refresh()


def update_responses(*, source: Source, items: Sequence[ResponseIn]) -> IngestResult:
    """Store `items`, updating in place the stored responses with the same external_id.

    For vendor update events (Delighted `survey_response.updated`): the score, comment,
    attributes and customer/agent refs of the stored row take the new values, its comment
    sentiment is re-scored when the comment changed, and the old and new rollup buckets are
    marked dirty; the changed responses are noted for the follow-up rules (one that now
    matches opens a follow-up if it belongs to none; one that no longer matches keeps its
    own). Items not stored yet are inserted as by `record_responses`. Later items
    win over earlier ones with the same external_id. Returns accepted (inserted) and updated.
    """
    latest = {item.external_id: item for item in items}
    with transaction.atomic():
        stored = {
            row.external_id: row
            for row in Response.objects.select_for_update().filter(
                source=source, external_id__in=list(latest)
            )
        }
        new_items = [item for key, item in latest.items() if key not in stored]
        result = record_responses(source=source, items=new_items) if new_items else None
        changed: list[Response] = []
        keys: set[tuple] = set()
        rescore: list[int] = []
        for key, row in stored.items():
            item = latest[key]
            comment, agent_ref, attributes = stored_text(item)
            keys.add(bucket_of(row))
            row.metric = item.metric  # a vendor may re-type a response; both buckets are marked
            row.score = float(item.score)
            if _set_comment(row, comment, previous=row.comment):
                rescore.append(row.pk)
            row.attributes = attributes or row.attributes
            row.customer_ref = item.customer_ref or row.customer_ref
            row.agent_ref = agent_ref or row.agent_ref
            keys.add(bucket_of(row))
            changed.append(row)
        if changed:
            Response.objects.bulk_update(changed, list(_UPDATABLE), batch_size=1000)
            _after_change(keys, rescore, changed=[row.pk for row in changed])
    return IngestResult(
        accepted=result.accepted if result else 0,
        duplicates=0,
        accepted_ids=result.accepted_ids if result else (),
        updated=len(changed),
    )


def edit_response(*, response: Response) -> None:
    """Save `response` as edited (or added) outside ingest, the admin, under ingest's rules.

    Its comment, agent_ref and attributes are masked as ingest masks them; `day` follows
    `occurred_at`; a comment that changed loses its sentiment and is re-scored after commit
    (a sentiment response's sentiment is its score); the buckets before and after the edit are
    marked dirty and a refresh is queued, all in one transaction.
    """
    with transaction.atomic():
        before = None
        if response.pk is not None:
            before = Response.objects.select_for_update().filter(pk=response.pk).first()
        keys = {bucket_of(before)} if before else set()
        comment, agent_ref, attributes = stored_text(_as_item(response))
        response.agent_ref, response.attributes = agent_ref, attributes
        response.day = local_day(response.occurred_at)
        rescore = _set_comment(response, comment, previous=before.comment if before else "")
        response.save()
        keys.add(bucket_of(response))
        _after_change(keys, [response.pk] if rescore else [], changed=[response.pk])


def delete_responses(*, responses: QuerySet[Response]) -> None:
    """Delete `responses`, marking their buckets dirty and queueing a refresh, in one
    transaction."""
    with transaction.atomic():
        keys = set(responses.values_list(*BUCKET_FIELDS))
        responses.delete()
        _after_change(keys, [])
