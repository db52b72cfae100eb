"""One ingest batch: what validating it needs, then validate and store (the API's write path)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from cxmetrics.ingest.types import BatchOutcome, IngestResult
from cxmetrics.ingest.validate import IngestContext, validate_items
from cxmetrics.models import Channel, Department, Source

from .changes import update_responses
from .record import record_responses

__all__ = ["ingest_context", "ingest_items"]


def ingest_context(*, source: Source, now: datetime | None = None) -> IngestContext:
    """What validating a batch for `source` needs: its allowed channels, every department and
    the defaults, as slug -> id maps. Three small queries, once per batch."""
    allowed = dict(source.channels.values_list("slug", "pk"))
    channels = dict(Channel.objects.values_list("pk", "slug"))
    departments = dict(Department.objects.values_list("slug", "pk"))
    dept_slugs = {pk: slug for slug, pk in departments.items()}
    return IngestContext(
        source_slug=source.slug,
        channel_ids=allowed,
        department_ids=departments,
        known_channels=frozenset(channels.values()),
        default_channel=channels.get(source.default_channel_id),
        default_department=dept_slugs.get(source.default_department_id),
        now=now or timezone.now(),
        time_zone=ZoneInfo(settings.TIME_ZONE),
        customer_hash_key=settings.CUSTOMER_HASH_KEY.encode(),
        max_comment_chars=settings.CX_COMMENT_MAX_CHARS,
    )


def ingest_items(
    *,
    source: Source,
    entries: Sequence[Any],
    context: IngestContext | None = None,
    offset: int = 0,
    lines: Sequence[int] | None = None,
    update: bool = False,
) -> BatchOutcome:
    """Validate `entries` (canonical dicts) item by item and store the valid ones in one
    transaction (`update_responses` when `update`, else `record_responses`).

    Returns the counts and one rejection per invalid item (`index` = offset + position).
    """
    context = context or ingest_context(source=source)
    checked = validate_items(entries, context=context, offset=offset, lines=lines)
    result = IngestResult(accepted=0, duplicates=0)
    if checked.items:
        store = update_responses if update else record_responses
        result = store(source=source, items=checked.items)
    return BatchOutcome(
        accepted=result.accepted,
        duplicates=result.duplicates,
        updated=result.updated,
        rejected=checked.rejected,
        rejected_total=len(checked.rejected),
        items=len(entries),
    )
