"""Score the sentiment of stored comments."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from cxmetrics.models import Response
from cxmetrics.sentiment import get_scorer


def score_comments(*, response_ids: Sequence[int] | None = None, limit: int = 2000) -> int:
    """Score comments whose sentiment is still null (all of them, or among `response_ids`).

    Idempotent: scored rows are skipped. Returns how many were scored.
    """
    queryset = Response.objects.filter(sentiment__isnull=True).exclude(comment="")
    if response_ids is not None:
        queryset = queryset.filter(pk__in=list(response_ids))
    rows = list(queryset.order_by("pk").values_list("pk", "comment")[:limit])
    if not rows:
        return 0
    scores = get_scorer().score_many([comment for _, comment in rows])
    from cxmetrics.services.ingest import mark_dirty

    with transaction.atomic():
        pairs = zip(rows, scores, strict=True)
        objs = [Response(pk=pk, sentiment=score) for (pk, _), score in pairs]
        Response.objects.bulk_update(objs, ["sentiment"], batch_size=1000)
        keys = set(
            Response.objects.filter(pk__in=[pk for pk, _ in rows]).values_list(
                "day", "metric", "channel_id", "department_id", "handled_by", "source_id"
            )
        )
        mark_dirty(keys)
    return len(rows)
