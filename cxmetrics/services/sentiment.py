"""Score the sentiment of stored comments and append the rollup deltas of the new scores."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction

from cxmetrics.models import Response, SkippedComment
from cxmetrics.selectors.pipeline import unscored_comments
from cxmetrics.sentiment import get_scorer
from cxmetrics.services.followups.creation import note_responses
from cxmetrics.services.rollup_deltas import SENTIMENT_COLUMNS, append_deltas

BATCH_SIZE = 1000


def _unscored():
    return unscored_comments()


def unscored_ids(
    *, response_ids: Sequence[int] | None = None, limit: int = BATCH_SIZE
) -> list[int]:
    """The first `limit` ids (ascending) of comments still to score and not skipped, among
    `response_ids` or all. The batch a `score_comments` run was working on when it stopped is
    the first batch_size of these (earlier batches committed)."""
    rows = _unscored().order_by("pk")
    if response_ids is not None:
        rows = rows.filter(pk__in=list(response_ids))
    return list(rows.values_list("pk", flat=True)[:limit])


def skip_comments(*, response_ids: Sequence[int], reason: str) -> int:
    """Give up on these comments: no run picks them again until their skip is deleted (admin).
    Returns how many were newly skipped."""
    rows = [SkippedComment(response_id=pk, reason=reason[:255]) for pk in response_ids]
    before = SkippedComment.objects.filter(response_id__in=response_ids).count()
    SkippedComment.objects.bulk_create(rows, ignore_conflicts=True)
    return SkippedComment.objects.filter(response_id__in=response_ids).count() - before


def _store_scores(scores: list[tuple[int, float]]) -> list[int]:
    """Set (pk, sentiment) on the rows still unscored, in one UPDATE ... FROM (VALUES ...): a
    concurrent run or a sent sentiment is never overwritten. Returns the pks it updated.

    The values are sorted by pk, so two runs over the same rows lock them in one order (the
    later one waits, then skips the rows the first scored) instead of deadlocking."""
    table = connection.ops.quote_name(Response._meta.db_table)
    scores = sorted(scores)
    values = ", ".join(["(%s, %s)"] * len(scores))
    with connection.cursor() as cursor:
        cursor.execute(
            # VALUES columns are column1, column2 in both PostgreSQL and SQLite.
            f"UPDATE {table} SET sentiment = v.column2 FROM (VALUES {values}) AS v "
            f"WHERE {table}.id = v.column1 AND {table}.sentiment IS NULL "
            f"AND {table}.comment <> '' RETURNING {table}.id",
            [value for pair in scores for value in pair],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _score_batch(rows: list[tuple[int, str]]) -> int:
    """Score `rows` (pk, comment) and store them in one transaction, with the rollup deltas of
    their sentiment (a null sentiment counts nothing, so the new score is purely additive) and
    a `FollowUpNote` of the scored ids (the sentiment rule reads the new scores).
    Returns rows stored."""
    scores = get_scorer().score_many([comment for _, comment in rows])
    clamped = [
        (pk, max(-1.0, min(1.0, round(score, 4))))
        for (pk, _), score in zip(rows, scores, strict=True)
    ]
    with transaction.atomic():
        stored = _store_scores(clamped)
        append_deltas(response_ids=stored, columns=SENTIMENT_COLUMNS)
        note_responses(stored)
    return len(stored)


def score_comments(
    *, response_ids: Sequence[int] | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Score the comments whose sentiment is still null: among `response_ids`, or all of them.

    Idempotent: scored rows (and responses whose source sent a sentiment) are skipped, and so
    are comments in `SkippedComment` (see `skip_comments`). Each
    batch of `batch_size` is one transaction that also appends the batch's rollup deltas,
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
