"""New responses: stored idempotently, with the note their rollup deltas are computed from."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction
from django.utils import timezone

from cxmetrics import enqueue
from cxmetrics.ingest.types import IngestResult, ResponseIn
from cxmetrics.models import Source
from cxmetrics.services import rollup_deltas
from cxmetrics.services.followups.creation import note_responses

from .marks import queue_rollup_refresh
from .portable import insert_portable
from .postgresql import insert_by_copy

__all__ = ["record_responses"]


def _first_occurrences(items: Sequence[ResponseIn]) -> list[ResponseIn]:
    """The items whose external_id has not appeared earlier in the batch (first one wins)."""
    seen: set[str] = set()
    add = seen.add
    unique = []
    for item in items:
        if item.external_id not in seen:
            add(item.external_id)
            unique.append(item)
    return unique


def record_responses(*, source: Source, items: Sequence[ResponseIn]) -> IngestResult:
    """Store `items` for `source` in one transaction; already-stored external_ids are skipped.

    Duplicates (same source and external_id, stored before or earlier in the same batch, where
    the first occurrence wins) are counted, not stored. One `NewRows` note listing the new
    rows' ids is appended in the same transaction (the refresh expands it into per-bucket
    rollup deltas, `rollup_deltas.expand_new_rows`), and so is one `FollowUpNote` (the
    follow-up rules are evaluated after commit, `followups.open_followups`); sentiment
    scoring (of the accepted rows with a comment), the rollup refresh and the evaluation are
    queued once it commits. On PostgreSQL the
    rows travel by COPY (about 5x faster than multi-row INSERTs); elsewhere by multi-row
    INSERT ... ON CONFLICT.
    """
    naive = [item.external_id for item in items if item.occurred_at.utcoffset() is None]
    if naive:
        raise ValueError(f"occurred_at must carry a time-zone offset (external_id {naive[0]}).")
    now = timezone.now()
    unique = _first_occurrences(items)
    insert = insert_by_copy if connection.vendor == "postgresql" else insert_portable
    with transaction.atomic():
        inserted = insert(source.pk, unique, now)
        accepted_items = [item for item in unique if item.external_id in inserted]
        ids = tuple(inserted.values())
        if ids:
            rollup_deltas.record_new_rows(ids)
            note_responses(ids)
        commented = tuple(inserted[item.external_id] for item in accepted_items if item.comment)
        if commented:
            enqueue.publish_on_commit(enqueue.SCORE_SENTIMENT, list(commented))
        if accepted_items:
            queue_rollup_refresh()
    return IngestResult(
        accepted=len(inserted), duplicates=len(items) - len(inserted), accepted_ids=ids
    )
