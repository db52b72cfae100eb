"""Batched e-mail: one digest per person per run, and never twice about the same item.

* `send_digest` sends each person ONE e-mail (plain text + HTML) listing their items.
* `notify_once` does the same for items of a `kind` not yet notified to that person, and
  records them (NotifiedItem, unique per kind, item and person) before the mail goes, so two
  runs (beat overlapping a command) never both mail an item. A mail that fails to send gives
  its items back for the next run; a worker that dies between the record and the send loses
  that mail (at most once: a digest is a reminder, a missed one is better than a double).

Generic: an item is a dict with an ``id`` and whatever the template shows (the default
template "emails/digest" shows ``title``, ``detail`` and ``url``), and optionally its own
``kind`` (one mail may list items of several kinds, e.g. new and overdue follow-ups, each
recorded under its kind). Items must be safe to mail already (comments masked by the caller).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from cxmetrics.models import NotificationLog, NotifiedItem

__all__ = ["DEFAULT_TEMPLATE", "DigestResult", "notify_once", "send_digest"]

logger = logging.getLogger(__name__)

DEFAULT_TEMPLATE = "emails/digest"

Item = Mapping[str, Any]
# A subject: text that may contain {count}, or a function of one person's items.
Subject = str | Callable[[Sequence[Item]], str]


@dataclass(frozen=True)
class DigestResult:
    """What a run did: e-mails sent, items they listed, people skipped for having no e-mail
    address, e-mails that failed to send, and items already notified (notify_once)."""

    sent: int = 0
    items: int = 0
    no_email: int = 0
    failed: int = 0
    already_notified: int = 0


def send_digest(
    *,
    recipients_by_user: Mapping[Any, Sequence[Item]],
    subject: Subject,
    template: str = DEFAULT_TEMPLATE,
    context: Mapping[str, Any] | None = None,
    kind: str = "",
) -> DigestResult:
    """E-mail each user with items one message listing them; nothing to users with none.

    `template` names two templates, ``f"{template}.txt"`` and ``f"{template}.html"``,
    rendered with ``user``, ``items``, ``count``, ``subject`` and `context`. `subject` may
    contain ``{count}``, or be a function of the person's items returning the subject.
    People without an e-mail address are skipped, logged (by user id) and counted; a failed
    send is logged and counted, and the others still go. With `kind`, each mail sent
    is logged (NotificationLog). One SMTP connection for the run.
    """
    result, _ = _deliver(recipients_by_user, subject, template, context or {}, kind)
    return result


def _deliver(
    recipients_by_user: Mapping[Any, Sequence[Item]],
    subject: Subject,
    template: str,
    context: Mapping[str, Any],
    kind: str,
) -> tuple[DigestResult, list[Any]]:
    """send_digest's work; also returns the users whose mail failed."""
    sent = items_sent = no_email = 0
    failed: list[Any] = []
    connection = get_connection()
    for user, items in recipients_by_user.items():
        if not items:
            continue
        if not user.email:
            logger.info("No e-mail address for user %s: %s item(s) not mailed", user.pk, len(items))
            no_email += 1
            continue
        if _send_one(user, items, subject, template, context, connection):
            sent += 1
            items_sent += len(items)
            if kind:
                NotificationLog.objects.create(user=user, kind=kind, item_count=len(items))
        else:
            failed.append(user)
    result = DigestResult(sent=sent, items=items_sent, no_email=no_email, failed=len(failed))
    return result, failed


def notify_once(
    *,
    kind: str,
    subject: Subject,
    template: str = DEFAULT_TEMPLATE,
    items: Sequence[Item] = (),
    users: Iterable[Any] = (),
    items_by_user: Mapping[Any, Sequence[Item]] | None = None,
    context: Mapping[str, Any] | None = None,
) -> DigestResult:
    """Mail each person the items of `kind` they were not notified about yet, one digest each.

    Either `items_by_user` (each person their own items) or `items` for every one of
    `users`. Each item needs an ``id`` (str or int) and may name its own ``kind`` (default:
    `kind`), under which it is recorded; `kind` is also what the mail is logged as. People
    without an e-mail address are counted and nothing is recorded for them (they get the
    items once they have one).
    Cost: 1 query for what was notified + 1 insert, then one mail and 1 insert per person.
    """
    wanted = dict(items_by_user) if items_by_user is not None else dict.fromkeys(users, items)
    wanted = {user: list(its) for user, its in wanted.items() if its}
    no_email = sum(1 for user in wanted if not user.email)
    wanted = {user: its for user, its in wanted.items() if user.email}
    if not wanted:
        return DigestResult(no_email=no_email)
    keys = {_key(item, kind) for its in wanted.values() for item in its}
    done = _already_notified(users=list(wanted), keys=keys)
    fresh: dict[Any, list[Item]] = {}
    already = 0
    for user, its in wanted.items():
        seen: set[tuple[str, str]] = set()
        for item in its:
            key = _key(item, kind)
            if (user.pk, *key) in done or key in seen:
                already += (user.pk, *key) in done
                continue
            seen.add(key)
            fresh.setdefault(user, []).append(item)
    if not fresh:
        return DigestResult(no_email=no_email, already_notified=already)
    now = timezone.now()
    try:
        with transaction.atomic():
            NotifiedItem.objects.bulk_create(
                NotifiedItem(kind=k, item_id=item_id, user=user, notified_at=now)
                for user, its in fresh.items()
                for k, item_id in (_key(item, kind) for item in its)
            )
    except IntegrityError:
        # Another run recorded some of these in between: it mails them. What it did not take
        # is still unrecorded and goes with the next run.
        logger.info("notify_once(%s): another run is notifying the same items", kind)
        return DigestResult(no_email=no_email, already_notified=already)
    result, failed = _deliver(fresh, subject, template, context or {}, kind)
    for user in failed:  # give their items back to the next run
        given_back = Q()
        for k, item_id in {_key(item, kind) for item in fresh[user]}:
            given_back |= Q(kind=k, item_id=item_id)
        NotifiedItem.objects.filter(given_back, user=user).delete()
    return DigestResult(
        sent=result.sent,
        items=result.items,
        no_email=no_email,
        failed=result.failed,
        already_notified=already,
    )


def _key(item: Item, kind: str) -> tuple[str, str]:
    """(kind, item id) an item is recorded under: its own kind, else the call's."""
    return str(item.get("kind") or kind), str(item["id"])


def _already_notified(*, users: list[Any], keys: set[tuple[str, str]]) -> set[tuple[int, str, str]]:
    """(user id, kind, item id) of `keys` already recorded for `users`. One query."""
    kinds = sorted({k for k, _ in keys})
    item_ids = sorted({item_id for _, item_id in keys})
    rows = NotifiedItem.objects.filter(
        kind__in=kinds, user__in=users, item_id__in=item_ids
    ).values_list("user_id", "kind", "item_id")
    return {row for row in rows if (row[1], row[2]) in keys}


def _send_one(
    user: Any,
    items: Sequence[Item],
    subject: Subject,
    template: str,
    context: Mapping[str, Any],
    connection: Any,
) -> bool:
    values = {**context, "user": user, "items": items, "count": len(items)}
    title = subject(items) if callable(subject) else subject.format(count=len(items))
    values["subject"] = title
    message = EmailMultiAlternatives(
        subject=title,
        body=render_to_string(f"{template}.txt", values),
        to=[user.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", values), "text/html")
    try:
        message.send()
    except OSError as exc:  # SMTP trouble: the other people's mails still go
        logger.warning("Digest mail to user %s failed: %s", user.pk, type(exc).__name__)
        return False
    return True
