"""Privacy operations: erase a customer's responses, anonymise responses past the retention
period. Each writes a `PrivacyEvent` (the audit trail) in the transaction that does the work.

Rollups stay exact:
* Erasing deletes rows, which is not additive: the deleted rows' buckets are marked dirty in
  the deleting transaction (as the admin's delete does) and the refresh recomputes them from
  the raw rows that remain. A deleted row still listed in a pending `NewRows` note or counted
  by a pending delta is covered too: the note's expansion no longer finds it, and a recompute
  deletes its bucket's deltas.
* Anonymising changes only columns no rollup reads (customer_ref, agent_ref, attributes) and
  replaces a scored comment by `REMOVED_COMMENT`: still a comment (the `commented` count), and
  its `sentiment` is kept, so every figure and every rebuilt rollup is what it was. An
  unscored comment is kept until the scorer has scored it (the next run anonymises it).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, TextField, Value, When
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.models import (
    REMOVED_COMMENT,
    FollowUp,
    FollowUpLink,
    PrivacyEvent,
    Response,
    SkippedComment,
)
from cxmetrics.redaction import redact
from cxmetrics.services.ingest import mark_dirty, queue_rollup_refresh
from cxmetrics.services.personal_data import customer_ref
from cxmetrics.services.rollup_deltas import BUCKET_FIELDS

# Rows anonymised per transaction: each batch locks its rows for well under a second.
RETENTION_BATCH = 5000


def _actor(actor: Any) -> tuple[Any, str]:
    """(user or None, label) of whoever asked: a user, or a label such as 'manage.py'."""
    if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) is not None:
        return actor, actor.get_username()
    return None, str(actor or "unknown")[:150]


def _audit_reason(reason: str, customer_id: str) -> str:
    """The reason as recorded: masked like free text, and without the raw customer id."""
    text = redact(reason or "")
    if customer_id:
        text = text.replace(str(customer_id), "[customer]")
    return text


def erase_customer(*, customer_id: str, actor: Any, reason: str = "") -> PrivacyEvent:
    """Delete every response of the customer `customer_id` (found by its HMAC, as ingest
    stores it), with their follow-ups and the follow-ups' audit rows, and record a
    `PrivacyEvent` (kind erase), in one transaction.

    Idempotent: a second call deletes 0 and records again. The deleted rows' rollup buckets
    are marked dirty in the same transaction and a refresh is queued on commit, so the rollups
    equal the raw counts once it ran. `actor` is the user who asked, or a label. Cost: one
    scan of the responses table (customer_ref has no index: each index slows every ingest).
    Raises ValueError for an empty id.
    """
    if customer_id is None or str(customer_id).strip() == "":
        raise ValueError("customer_id is required")
    ref = customer_ref(customer_id)
    user, label = _actor(actor)
    table = connection.ops.quote_name(Response._meta.db_table)
    columns = {f.attname: f.column for f in Response._meta.concrete_fields}
    returning = ", ".join(connection.ops.quote_name(columns[name]) for name in BUCKET_FIELDS)
    to_day = Response._meta.get_field("day").to_python
    with transaction.atomic():
        # The raw DELETE below bypasses Django's cascades: the scorer's skip notes of these
        # responses go first (their foreign key would refuse the delete at commit).
        SkippedComment.objects.filter(response__customer_ref=ref).delete()
        # So do the customer's follow-ups (and their audit rows: a lead's note may quote them).
        FollowUpLink.objects.filter(response__customer_ref=ref).delete()
        followups = list(
            FollowUp.objects.filter(response__customer_ref=ref).values_list("pk", flat=True)
        )
        FollowUp.objects.filter(pk__in=followups).delete()
        FollowUp.history.filter(id__in=followups).delete()
        # One statement finds and deletes: a row committed meanwhile is either deleted and
        # its bucket marked, or not seen at all (then a second call erases it).
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE customer_ref = %s RETURNING {returning}", [ref]
            )
            deleted = cursor.fetchall()
        mark_dirty({(to_day(day), *rest) for day, *rest in deleted})
        event = PrivacyEvent.objects.create(
            kind=PrivacyEvent.Kind.ERASE,
            actor=user,
            actor_label=label,
            reason=_audit_reason(reason, str(customer_id)),
            customer_ref=ref,
            responses=len(deleted),
        )
        if deleted:
            queue_rollup_refresh()
    return event


def retention_cutoff(*, days: int, today: date | None = None) -> date:
    """The first day kept: responses of earlier days (organisation time zone) are past a
    retention period of `days` days."""
    return (today or local_day(timezone.now())) - timedelta(days=days)


def _comment_settled() -> Q:
    """A comment the scorer is done with: scored, or skipped for good (`SkippedComment`: it
    will never be scored, so waiting for its score would keep its text for ever)."""
    skipped = Exists(SkippedComment.objects.filter(response_id=OuterRef("pk")))
    return Q(sentiment__isnull=False) | Q(skipped)


def _identifying() -> Q:
    """Rows still holding something anonymising removes (a settled comment, refs, attributes)."""
    settled_comment = ~Q(comment="") & ~Q(comment=REMOVED_COMMENT) & _comment_settled()
    return ~Q(customer_ref="") | ~Q(agent_ref="") | ~Q(attributes={}) | settled_comment


def apply_retention(
    *,
    actor: Any,
    days: int | None = None,
    today: date | None = None,
    batch_size: int = RETENTION_BATCH,
) -> PrivacyEvent | None:
    """Anonymise the responses of days before `retention_cutoff` (`days`, default the setting
    CX_RETENTION_DAYS; None: nothing to do, returns None): remove customer_ref, agent_ref and
    attributes (and the customer_ref copied onto their follow-ups), and replace a scored
    comment by `REMOVED_COMMENT`. Scores, sentiment, day, channel, department, source,
    handled_by and external_id stay, so figures are unchanged
    and a resent old response is still a duplicate.

    Batches of `batch_size` rows in id order, one short transaction each, then one
    `PrivacyEvent` (kind retention) per run, written even when nothing was left to do.
    Idempotent: a second run anonymises 0.
    """
    days = days if days is not None else settings.CX_RETENTION_DAYS
    if not days:
        return None
    cutoff = retention_cutoff(days=days, today=today)
    user, label = _actor(actor)
    pending = Response.objects.filter(day__lt=cutoff).filter(_identifying()).order_by("pk")
    comment = Case(
        When(Q(comment="") | ~_comment_settled(), then=F("comment")),
        default=Value(REMOVED_COMMENT),
        output_field=TextField(),
    )
    total = last = 0
    while True:
        with transaction.atomic():
            ids = list(pending.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            total += Response.objects.filter(pk__in=ids).update(
                customer_ref="", agent_ref="", attributes={}, comment=comment
            )
            FollowUp.objects.filter(response_id__in=ids).update(customer_ref="")
        last = ids[-1]
    return PrivacyEvent.objects.create(
        kind=PrivacyEvent.Kind.RETENTION,
        actor=user,
        actor_label=label,
        reason=f"retention period: {days} days",
        before_day=cutoff,
        responses=total,
    )
