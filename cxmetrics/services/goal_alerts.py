"""Goal alerts: one e-mail and one signed webhook when a goal turns at_risk or off_track.

Rules (Goal.last_alerted_status holds the state):
* a status of ``at_risk`` or ``off_track`` different from ``last_alerted_status`` alerts once;
* ``on_track`` is recorded silently, so a later fall alerts again (that is a new change);
* ``not_enough_data``, ``met`` and ``missed`` change nothing.
The state is switched with a conditional UPDATE before anything is sent, so two workers
evaluating at once never both alert (at most once: a failed send is logged, not retried).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.request
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder

from cxmetrics.models import Goal, GoalMetric, GoalStatus
from cxmetrics.selectors.goals import goal_progress, goals_queryset

logger = logging.getLogger(__name__)

ALERT_STATUSES = frozenset({GoalStatus.AT_RISK, GoalStatus.OFF_TRACK})
SIGNATURE_HEADER = "X-Cxmetrics-Signature"
WEBHOOK_TIMEOUT_SECONDS = 5


def sign(*, body: bytes, secret: str) -> str:
    """The signature header value: ``sha256=<hex HMAC-SHA256 of the raw body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _recipients(goal: Goal) -> list[str]:
    users = get_user_model().objects.filter(pk=goal.owner_id) | get_user_model().objects.filter(
        led_departments__in=goal.departments.all()
    )
    return sorted({u.email for u in users.distinct() if u.email})


def _post_webhook(payload: dict[str, Any]) -> bool:
    url = settings.CX_ALERT_WEBHOOK_URL
    if not url:
        return False
    body = json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "cxmetrics-alerts"}
    if settings.CX_ALERT_WEBHOOK_SECRET:
        headers[SIGNATURE_HEADER] = sign(body=body, secret=settings.CX_ALERT_WEBHOOK_SECRET)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            return 200 <= response.status < 300
    except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
        logger.warning("Goal alert webhook to %s failed: %s", url, exc)
        return False


def _metric_words(metric: str) -> str:
    """NPS, CSAT, CES, SENTIMENT as before; the on-time rate by its label."""
    if metric == GoalMetric.FOLLOWUP_ON_TIME:
        return GoalMetric(metric).label
    return metric.upper()


def _message(progress: dict[str, Any], previous: str) -> tuple[str, str]:
    status = GoalStatus(progress["status"]).label
    subject = f"[cxmetrics] Goal '{progress['name']}' is {status.lower()}"

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f}"

    metric = _metric_words(progress["metric"])
    body = (
        f"The shared goal '{progress['name']}' ({metric}) is now {status} "
        f"(was {previous or 'not alerted'}).\n\n"
        f"As of {progress['as_of']}: measured {fmt(progress['value'])} "
        f"(95% interval {fmt(progress['low'])} to {fmt(progress['high'])}, "
        f"n={progress['n']}); expected {fmt(progress['expected'])} on the path from "
        f"{progress['baseline']:g} to {progress['target']:g} by {progress['end']}.\n"
        f"Participating departments: {', '.join(progress['department_names'])}.\n"
    )
    return subject, body


def evaluate_alerts(*, as_of: date) -> list[dict[str, Any]]:
    """Evaluate every goal active on ``as_of``; alert those that newly turned at_risk or
    off_track. Returns one dict per alert sent (goal_id, status, previous, recipients,
    webhook). Cost: one rollup query per active goal."""
    sent = []
    for goal in goals_queryset().filter(start__lte=as_of, end__gte=as_of):
        progress = goal_progress(goal=goal, as_of=as_of)
        status, previous = progress["status"], goal.last_alerted_status
        if status == previous:
            continue
        if status == GoalStatus.ON_TRACK:
            Goal.objects.filter(pk=goal.pk, last_alerted_status=previous).update(
                last_alerted_status=status
            )
            continue
        if status not in ALERT_STATUSES:
            continue
        claimed = Goal.objects.filter(pk=goal.pk, last_alerted_status=previous).update(
            last_alerted_status=status
        )
        if not claimed:
            continue  # another worker alerted in between
        recipients = _recipients(goal)
        subject, body = _message(progress, previous)
        if recipients:
            try:
                send_mail(subject, body, None, recipients)
            except OSError as exc:  # SMTP trouble must not stop the other goals
                logger.warning("Goal alert mail for goal %s failed: %s", goal.pk, exc)
        webhook = _post_webhook(
            {"event": "goal.status_changed", "previous_status": previous or None, **progress}
        )
        sent.append(
            {
                "goal_id": goal.pk,
                "status": status,
                "previous": previous,
                "recipients": recipients,
                "webhook": webhook,
            }
        )
    return sent
