"""Closed-loop follow-ups: which responses open one (rules), the follow-ups themselves, the
later responses linked to them, and the ledger of responses still to evaluate.

Public names (re-exported by cxmetrics.models):

* `FollowUpRule`: a score band on one metric, optionally narrowed, naming the owning
  department, the SLA, the priority and the dedupe window. Matching is defined once, in
  `cxmetrics.services.followups.rules.rule_q`.
* `RootCause`: the editable list a follow-up is closed with.
* `FollowUp`: one per response that opened it (`response` is unique), with its status,
  outcome, owner department, assignee, SLA times and copied keys (`source`, `customer_ref`).
  `FollowUp.objects.overdue()` and `FollowUp.is_overdue` are the one definition of overdue;
  `on_time_q` of closed on time; `decided_q` / `on_time_by_q` of the on-time close rate's n
  and count as they stood at a moment.
* `FollowUpLink`: a later response of the same customer and rule inside the window, attached
  to the follow-up it opened instead of opening another; a response belongs to at most one
  follow-up, ever (opened it or linked to it).
* `FollowUpNote`: the ids of responses still to evaluate (appended by ingest, vendor updates,
  admin edits and the sentiment scorer, consumed by `services.followups.open_followups`).
* Choices: `Priority`, `FollowUpStatus`, `Outcome`.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import Metric
from .org import Channel, Department, Source
from .responses import Response
from .webhooks import WebhookEndpoint


class Priority(models.TextChoices):
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


# Queue order: high first. Rules are tried in this order too (then by id).
PRIORITY_RANK = {Priority.HIGH: 0, Priority.NORMAL: 1, Priority.LOW: 2}


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    CONTACTED = "contacted", "Contacted"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    NOT_RESOLVED = "not_resolved", "Not resolved"
    UNREACHABLE = "unreachable", "Customer unreachable"


class FollowUpRule(models.Model):
    """Which responses open a follow-up: `score_min <= value <= score_max` on `metric`.

    The value is the response's score for NPS, CSAT and CES (responses of that metric only).
    For `sentiment` it is the response's `sentiment` column, whatever the response's metric:
    the comment's VADER compound (scored asynchronously, so the rule is evaluated again when
    the score arrives) or, for responses of the sentiment metric, the score their source sent.
    Empty `channels`, `departments` and `handled_by` mean all; `has_comment` keeps responses
    with a comment only. `owner_department` null: the response's own department owns it.
    `webhook`: the endpoint told when its follow-ups open and close (null: none).
    """

    name = models.CharField(max_length=100, unique=True)
    metric = models.CharField(max_length=10, choices=Metric.choices)
    score_min = models.FloatField(help_text="Lowest matching value, in the metric's units.")
    score_max = models.FloatField(help_text="Highest matching value (inclusive).")
    channels = models.ManyToManyField(Channel, blank=True, related_name="+")
    departments = models.ManyToManyField(
        Department, blank=True, related_name="+", help_text="Responses of these departments."
    )
    handled_by = models.JSONField(
        default=list, blank=True, help_text="List of handled_by values; empty means all."
    )
    has_comment = models.BooleanField(default=False, help_text="Only responses with a comment.")
    owner_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_followup_rules",
        help_text="Owns the follow-ups; empty: the response's department.",
    )
    sla_hours = models.PositiveIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(24 * 365)]
    )
    priority = models.CharField(max_length=6, choices=Priority.choices, default=Priority.NORMAL)
    dedupe_days = models.PositiveIntegerField(
        default=7,
        validators=[MaxValueValidator(365)],
        help_text="At most one follow-up per customer per rule within this many days; 0: none.",
    )
    active = models.BooleanField(default=True)
    webhook = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_rules",
        help_text="Sent followup.opened and followup.closed for this rule's follow-ups "
        "(docs/webhooks.md); set by admins only.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(m2m_fields=[channels, departments])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_max__gte=F("score_min")), name="followup_rule_band_ordered"
            ),
            models.CheckConstraint(
                condition=Q(sla_hours__gte=1), name="followup_rule_sla_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RootCause(models.Model):
    """Why the customer was unhappy, chosen when a follow-up is closed (editable list)."""

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True, help_text="Inactive causes are kept, not offered.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FollowUpQuerySet(models.QuerySet):
    def overdue(self, *, now: datetime | None = None) -> FollowUpQuerySet:
        """Follow-ups not closed whose `due_at` has passed (the one definition, with
        `FollowUp.is_overdue`)."""
        return self.filter(overdue_q(now=now))


def overdue_q(*, now: datetime | None = None) -> Q:
    """Not closed and `now` (default: the current time) strictly after `due_at`."""
    return ~Q(status=FollowUpStatus.CLOSED) & Q(due_at__lt=now or timezone.now())


def on_time_q() -> Q:
    """Closed within its SLA: closed, and `closed_at` at or before `due_at` (the one definition
    of "on time" for the on-time close rate, closed on time / opened)."""
    return Q(status=FollowUpStatus.CLOSED, closed_at__lte=F("due_at"))


def decided_q(*, at: datetime) -> Q:
    """Known to be on time or late at the moment `at`: closed by then, or past `due_at` then
    (strictly, as `overdue_q`). A follow-up still open and not yet due at `at` is neither: the
    on-time close rate leaves it out of its n."""
    return Q(status=FollowUpStatus.CLOSED, closed_at__lte=at) | Q(due_at__lt=at)


def on_time_by_q(*, at: datetime) -> Q:
    """Closed on time (`on_time_q`) by the moment `at`: the on-time follow-ups of the rate as
    it stood at `at` (a subset of `decided_q(at=at)`)."""
    return on_time_q() & Q(closed_at__lte=at)


class FollowUp(models.Model):
    """One unhappy response turned into a case owned by a department, with an SLA.

    `opened_at` is when the follow-up was opened (by the pipeline, shortly after the response
    was stored, or by a backfill); `due_at = opened_at + rule.sla_hours`. `priority`,
    `source` and `customer_ref` are copied from the rule and the response when it opens.
    `first_contact_at` is set when it first becomes contacted (or is closed resolved /
    not resolved), `closed_at` when closed. Writes go through
    `cxmetrics.services.followups.update_followup` (audited: `history`).
    """

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="followup")
    rule = models.ForeignKey(FollowUpRule, on_delete=models.PROTECT, related_name="followups")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="followups")
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    root_cause = models.ForeignKey(
        RootCause, on_delete=models.PROTECT, null=True, blank=True, related_name="followups"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_followups",
    )
    note = models.TextField(blank=True)
    priority = models.CharField(max_length=6, choices=Priority.choices, default=Priority.NORMAL)
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    first_contact_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    customer_ref = models.CharField(max_length=64, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="followups")

    objects = FollowUpQuerySet.as_manager()
    # The customer reference stays out of the audit rows: erasing a customer then only has
    # to delete the live rows (cxmetrics.services.privacy).
    history = HistoricalRecords(excluded_fields=["customer_ref"])

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # The queue of a department: open ones by due time, overdue first.
            models.Index(fields=["department", "status", "due_at"], name="followup_queue_idx"),
            # An integrator's follow-ups (API scoped to its source), and everyone's by status.
            models.Index(fields=["source", "status", "due_at"], name="followup_source_idx"),
            models.Index(fields=["status", "due_at"], name="followup_status_due_idx"),
            # Dedupe and the customer's history.
            models.Index(
                fields=["customer_ref", "rule"],
                condition=~Q(customer_ref=""),
                name="followup_customer_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=FollowUpStatus.CLOSED)
                | (~Q(outcome="") & Q(closed_at__isnull=False)),
                name="followup_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FollowUpStatus.values), name="followup_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values),
                name="followup_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=F("opened_at")), name="followup_due_after_opened"
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up {self.pk} ({self.status}) of response {self.response_id}"

    @property
    def is_overdue(self) -> bool:
        """Not closed and past `due_at` now (`overdue_q` is the same rule in SQL)."""
        return self.status != FollowUpStatus.CLOSED and timezone.now() > self.due_at


class FollowUpLink(models.Model):
    """A later response of the same customer and rule within the rule's window, attached to
    the follow-up opened for an earlier one instead of opening another."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="followup_link"
    )
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="links")
    linked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"response {self.response_id} linked to follow-up {self.followup_id}"


class FollowUpNote(models.Model):
    """The ids of responses whose follow-up rules are still to be evaluated (the pattern of
    `NewRows`): one row per ingest batch, vendor update, admin edit or scoring batch, appended
    in the transaction that wrote the responses, so a broker outage loses nothing; consumed and
    deleted by `services.followups.open_followups`."""

    id = models.BigAutoField(primary_key=True)
    response_ids = models.JSONField(help_text="Ids of the responses to evaluate.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{len(self.response_ids)} responses to evaluate ({self.created_at:%Y-%m-%d %H:%M})"
