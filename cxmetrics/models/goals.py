"""Shared cross-functional goals, incentive plans paid on them, and their history."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cxmetrics import incentives

from .choices import GoalMetric
from .org import Channel, Department


class GoalStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    NOT_ENOUGH_DATA = "not_enough_data", "Not enough data"
    MET = "met", "Met"
    MISSED = "missed", "Missed"


class Goal(models.Model):
    """A target on one metric over a scope and a period, owned by a team lead.

    Empty scope lists mean "all". A goal with two or more participating departments is shared.
    """

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    metric = models.CharField(max_length=20, choices=GoalMetric.choices)
    scope_channels = models.ManyToManyField(Channel, blank=True, related_name="+")
    scope_departments = models.ManyToManyField(Department, blank=True, related_name="+")
    scope_handled_by = models.JSONField(
        default=list, blank=True, help_text="List of handled_by values; empty means all."
    )
    baseline = models.FloatField()
    target = models.FloatField()
    stretch = models.FloatField(null=True, blank=True)
    start = models.DateField()
    end = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_goals"
    )
    departments = models.ManyToManyField(
        Department, related_name="goals", help_text="Participating departments."
    )
    min_n = models.PositiveIntegerField(default=30)
    last_alerted_status = models.CharField(
        max_length=20, choices=GoalStatus.choices, blank=True, editable=False
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived goals leave the lists; plans keep them."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[departments, scope_channels, scope_departments])

    class Meta:
        ordering = ["end", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="goal_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class GoalInvitation(models.Model):
    """A department asked to take part in a goal by a lead who does not lead it.

    The department becomes a participant (``Goal.departments``) only when one of its leads
    accepts, or an admin does; a declined invitation stays as the answer given.
    """

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="invitations")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "department"], name="goal_invitation_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.department} invited to {self.goal} ({self.status})"


class GoalSnapshot(models.Model):
    """A goal's progress as computed on one date (nightly), kept for history charts."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="snapshots")
    as_of = models.DateField()
    value = models.FloatField(null=True)
    n = models.IntegerField()
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    expected = models.FloatField()
    status = models.CharField(max_length=20, choices=GoalStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["goal", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "as_of"], name="goal_snapshot_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.goal} on {self.as_of}: {self.status}"


class IncentivePlan(models.Model):
    """One department's plan for one period, paying on weighted goal components."""

    name = models.CharField(max_length=200)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="incentive_plans"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    confidence_gate = models.BooleanField(
        default=True,
        help_text="Pay on the lower bound of the 95% interval instead of the point value.",
    )
    min_n = models.PositiveIntegerField(default=30)
    target_bonus = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The amount paid at 100%; every payout is also shown as money.",
    )
    currency = models.CharField(
        max_length=3, blank=True, help_text="ISO 4217 code of the target bonus (EUR, USD...)."
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "department__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="plan_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class PlanComponent(models.Model):
    """A weighted part of a plan paying on a goal through a threshold/target/stretch curve."""

    plan = models.ForeignKey(IncentivePlan, on_delete=models.CASCADE, related_name="components")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="plan_components")
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Whole percent; a plan's weights sum to 100.",
    )
    threshold = models.FloatField()
    target = models.FloatField()
    stretch = models.FloatField()
    threshold_payout = models.FloatField(default=incentives.DEFAULT_THRESHOLD_PAYOUT)
    stretch_payout = models.FloatField(default=incentives.DEFAULT_STRETCH_PAYOUT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-weight"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="component_weight_1_100"
            ),
            models.CheckConstraint(
                condition=Q(threshold__lt=F("target"), target__lte=F("stretch")),
                name="component_curve_increasing",
            ),
            models.UniqueConstraint(fields=["plan", "goal"], name="component_plan_goal_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.goal} ({self.weight}%)"


class StatementImmutableError(Exception):
    """Raised on any attempt to change or delete a closed period's payout statement."""


class PayoutStatementQuerySet(models.QuerySet):
    """Bulk writes are refused: a statement is written once and never changes."""

    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise StatementImmutableError("payout statements never change once written")

    def delete(self):  # type: ignore[no-untyped-def]
        raise StatementImmutableError("payout statements are never deleted")

    def bulk_update(self, objs, fields, batch_size=None):  # type: ignore[no-untyped-def]
        raise StatementImmutableError("payout statements never change once written")


class PayoutStatement(models.Model):
    """The frozen result of closing a plan's period. Never changes after it is written.

    Immutability is enforced here (not only in the admin): saving an existing statement,
    deleting one, or bulk update/delete through the manager raise StatementImmutableError.
    """

    plan = models.OneToOneField(IncentivePlan, on_delete=models.PROTECT, related_name="statement")
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    formula_version = models.CharField(max_length=20)
    total_pct = models.FloatField(null=True)
    data = models.JSONField(help_text="Per component: value, n, interval, curve, payout.")

    objects = PayoutStatementQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Statement for {self.plan}"

    # An invariant guard, not domain logic: nothing may rewrite a closed period.
    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise StatementImmutableError("payout statements never change once written")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise StatementImmutableError("payout statements are never deleted")
