"""Score the sentiment of stored comments and mark their rollup buckets dirty."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from cxmetrics.models import Response
from cxmetrics.sentiment import get_scorer

BATCH_SIZE = 1000
_BUCKET = ("day", "metric", "channel_id", "department_id", "handled_by", "source_id")


def _unscored():
    return Response.objects.filter(sentiment__isnull=True).exclude(comment="")


def _score_batch(rows: list[tuple[int, str]]) -> int:
    """Score `rows` (pk, comment) and store them in one transaction. Returns rows stored."""
    from cxmetrics.services.ingest import mark_dirty

    scores = get_scorer().score_many([comment for _, comment in rows])
    objs = [
        Response(pk=pk, sentiment=max(-1.0, min(1.0, round(score, 4))))
        for (pk, _), score in zip(rows, scores, strict=True)
    ]
    pks = [pk for pk, _ in rows]
    with transaction.atomic():
        # Only rows still unscored: a concurrent run or a sent sentiment is never overwritten.
        stored = _unscored().bulk_update(objs, ["sentiment"], batch_size=BATCH_SIZE)
        keys = Response.objects.filter(pk__in=pks).values_list(*_BUCKET).distinct()
        mark_dirty(set(keys))
    return stored


def score_comments(
    *, response_ids: Sequence[int] | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Score the comments whose sentiment is still null: among `response_ids`, or all of them.

    Idempotent: scored rows (and responses whose source sent a sentiment) are skipped. Each
    batch of `batch_size` is one transaction that also marks the batch's rollup buckets dirty,
    so an interrupted run leaves whole batches only. Returns how many were scored.
    Cost: the scorer (VADER: about 10k comments of 25 words per second per core) dominates.
    """
    scored = 0
    if response_ids is not None:
        ids = sorted(set(response_ids))
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            rows = list(_unscored().filter(pk__in=chunk).values_list("pk", "comment"))
            if rows:
                scored += _score_batch(rows)
        return scored
    after = 0
    while rows := list(
        _unscored().filter(pk__gt=after).order_by("pk").values_list("pk", "comment")[:batch_size]
    ):
        scored += _score_batch(rows)
        after = rows[-1][0]
    return scored
