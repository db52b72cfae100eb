"""E-mail to the owners' leads: one batched mail per person per run listing the follow-ups of
the departments they lead that are new or have fallen overdue (never one mail per response).

`notify_leads(*, now=None)` (the Celery task `cxmetrics.tasks.notify_followup_leads`, beat
every CX_FOLLOWUP_NOTIFY_MINUTES, and `manage.py notify_followups`):

* new: not closed, opened within the look-back (CX_FOLLOWUP_NOTIFY_LOOKBACK_HOURS) and not
  yet overdue; overdue: not closed and its `due_at` passed within the look-back. The two are
  disjoint, so one follow-up is listed once per mail.
* Recipients: the team leads (role team_lead, active) of each follow-up's department.
* `services.notify.notify_once` records each (kind, follow-up, lead) before mailing, kinds
  "followup_new" and "followup_overdue": nobody is told twice that a follow-up is new, nor
  twice that it is overdue, whatever runs overlap; a follow-up mailed as new is mailed again
  once when it falls overdue. The look-back only bounds what a run reads: it must exceed the
  interval between runs (a lead who had no mail address when it opened and has one within
  the look-back still hears of it).
* Each item: id, department, metric and score, channel, due time (or how long overdue), the
  link to `/followups/<id>` (settings.CX_PUBLIC_URL) and the start of the comment masked.
  Never the customer reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cxmetrics.models import Department, FollowUp, FollowUpStatus, Metric, Role
from cxmetrics.selectors.followup_details import followup_details, followup_url
from cxmetrics.services.notify import Item, notify_once

__all__ = [
    "MAIL_COMMENT_CHARS",
    "MAIL_KIND",
    "NEW",
    "OVERDUE",
    "TEMPLATE",
    "LeadsNotified",
    "lasted",
    "notify_leads",
    "subject_of",
]

MAIL_KIND = "followups"  # what the mail is logged as (NotificationLog)
NEW = "followup_new"
OVERDUE = "followup_overdue"
TEMPLATE = "emails/followups"
# A mail shows at most this many characters of each comment (masked).
MAIL_COMMENT_CHARS = 160


@dataclass(frozen=True)
class LeadsNotified:
    """What a run did: follow-ups found new and overdue in the look-back, mails sent, items
    they listed, leads without an e-mail address (not mailed, told once they have one),
    mails that failed (their items go with the next run) and items already told."""

    new: int = 0
    overdue: int = 0
    mails: int = 0
    items: int = 0
    no_email: int = 0
    failed: int = 0
    already_notified: int = 0


def lasted(delta: timedelta) -> str:
    """A duration as a mail says it: "45 min", "3 h 5 min", "2 d 4 h" (rounded down)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def subject_of(items: Sequence[Item]) -> str:
    """The subject of one lead's mail: "[cxmetrics] 2 new follow-ups, 1 overdue"."""
    new = sum(1 for item in items if item["kind"] == NEW)
    overdue = len(items) - new
    parts = []
    if new:
        parts.append(f"{new} new follow-up{'s' if new != 1 else ''}")
    if overdue:
        noun = "" if new else f" follow-up{'s' if overdue != 1 else ''}"
        parts.append(f"{overdue} overdue{noun}")
    return "[cxmetrics] " + ", ".join(parts)


_METRIC_LABELS = dict(Metric.choices)


def _item(detail: dict[str, Any], *, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    overdue = detail["due_at"] < now
    return {
        "id": detail["id"],
        "kind": OVERDUE if overdue else NEW,
        "department": detail["department_name"],
        "metric": _METRIC_LABELS.get(detail["metric"], detail["metric"]),
        "score": f"{detail['score']:g}",
        "channel": detail["channel_name"],
        "due": detail["due_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
        "overdue_by": lasted(now - detail["due_at"]) if overdue else "",
        "comment": detail["comment"],
        "url": followup_url(detail["id"]),
    }


def _leads_by_department(department_ids: set[int]) -> dict[int, list[Any]]:
    """The active team leads of each department (one query; one user object per person)."""
    links = (
        Department.leads.through.objects.filter(
            department_id__in=sorted(department_ids),
            user__is_active=True,
            user__groups__name=Role.TEAM_LEAD,
        )
        .select_related("user")
        .order_by("user__username", "department_id")
    )
    people: dict[int, Any] = {}
    leads: dict[int, list[Any]] = defaultdict(list)
    for link in links:
        user = people.setdefault(link.user_id, link.user)
        if user not in leads[link.department_id]:
            leads[link.department_id].append(user)
    return leads


def notify_leads(*, now: datetime | None = None) -> LeadsNotified:
    """Mail each lead the new and newly overdue follow-ups of their departments not told to
    them yet, one mail each (see the module docstring). `now` (default: the current time)
    decides what is overdue. Cost, whatever the number of follow-ups: 2 queries (the
    follow-ups of the look-back, their leads) + notify_once's (1 read, 1 insert), then one
    insert per mail sent.
    """
    now = now or timezone.now()
    since = now - timedelta(hours=settings.CX_FOLLOWUP_NOTIFY_LOOKBACK_HOURS)
    window = FollowUp.objects.exclude(status=FollowUpStatus.CLOSED).filter(
        Q(opened_at__gte=since, opened_at__lte=now, due_at__gte=now)
        | Q(due_at__gte=since, due_at__lt=now)
    )
    details = followup_details(window.order_by("due_at", "pk"), comment_chars=MAIL_COMMENT_CHARS)
    if not details:
        return LeadsNotified()
    zone = ZoneInfo(settings.TIME_ZONE)
    items = [(detail["department_id"], _item(detail, now=now, zone=zone)) for detail in details]
    leads = _leads_by_department({department_id for department_id, _ in items})
    items_by_user: dict[Any, list[Item]] = defaultdict(list)
    for department_id, item in items:
        for user in leads.get(department_id, ()):
            items_by_user[user].append(item)
    # Overdue first (longest overdue first), then the new ones by due time.
    for listed in items_by_user.values():
        listed.sort(key=lambda item: item["kind"] != OVERDUE)
    ordered = dict(sorted(items_by_user.items(), key=lambda pair: pair[0].get_username()))
    result = notify_once(
        kind=MAIL_KIND,
        subject=subject_of,
        template=TEMPLATE,
        items_by_user=ordered,
        context={"public_url": settings.CX_PUBLIC_URL},
    )
    overdue = sum(1 for _, item in items if item["kind"] == OVERDUE)
    return LeadsNotified(
        new=len(items) - overdue,
        overdue=overdue,
        mails=result.sent,
        items=result.items,
        no_email=result.no_email,
        failed=result.failed,
        already_notified=result.already_notified,
    )
