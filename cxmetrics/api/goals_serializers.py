"""Serializers for goals and incentive plans: shapes and types only.

Business rules (metric ranges, weights summing to 100, curves) are validated by
cxmetrics.services.goals, whose field-level errors the views return as 400s.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from cxmetrics.models import (
    Channel,
    Department,
    Goal,
    GoalStatus,
    HandledBy,
    Metric,
)
from cxmetrics.selectors.goals_audit import AUDITED, MAX_LIMIT

MAX_ID = 2**53  # ids beyond this are not ours (and overflow SQLite integers)


class SafeSlugRelatedField(serializers.SlugRelatedField):
    """A slug relation that turns NUL bytes and overlong values into a 400, not a DB error."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data or len(data) > 150:
            self.fail("invalid")
        return super().to_internal_value(data)


class SafePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key relation that rejects out-of-range ids with a 400."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int) or not 1 <= data <= MAX_ID:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class GoalSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000, allow_blank=True, required=False)
    metric = serializers.ChoiceField(choices=Metric.choices)
    scope_channels = SafeSlugRelatedField(
        many=True, slug_field="slug", queryset=Channel.objects.all(), required=False
    )
    scope_departments = SafeSlugRelatedField(
        many=True, slug_field="slug", queryset=Department.objects.all(), required=False
    )
    scope_handled_by = serializers.ListField(
        child=serializers.ChoiceField(choices=HandledBy.choices), required=False, max_length=10
    )
    baseline = serializers.FloatField()
    target = serializers.FloatField()
    stretch = serializers.FloatField(allow_null=True, required=False)
    start = serializers.DateField()
    end = serializers.DateField()
    owner = SafeSlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        required=False,
        help_text="Username; defaults to the creator. Only admins may set someone else.",
    )
    departments = SafeSlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=Department.objects.all(),
        allow_empty=False,
        help_text="Participating departments; two or more make a shared goal.",
    )
    min_n = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    shared = serializers.SerializerMethodField()
    last_alerted_status = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_shared(self, goal: Goal) -> bool:
        return len(goal.departments.all()) >= 2


class GoalListQuerySerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices, required=False)
    department = serializers.SlugField(max_length=50, required=False)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)
    active = serializers.BooleanField(required=False)


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="YYYY-MM-DD; default today.")


class ComponentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    goal = SafePrimaryKeyRelatedField(queryset=Goal.objects.all())
    weight = serializers.IntegerField(min_value=1, max_value=100, help_text="Whole percent.")
    threshold = serializers.FloatField()
    target = serializers.FloatField()
    stretch = serializers.FloatField()
    threshold_payout = serializers.FloatField(default=50.0)
    stretch_payout = serializers.FloatField(default=150.0)


class IncentivePlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    department = SafeSlugRelatedField(slug_field="slug", queryset=Department.objects.all())
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    confidence_gate = serializers.BooleanField(
        default=True, help_text="Pay on the lower bound of the 95% interval."
    )
    min_n = serializers.IntegerField(min_value=1, max_value=1_000_000, default=30)
    components = ComponentSerializer(
        many=True, max_length=50, help_text="Weights are whole percentages summing to 100."
    )
    closed_at = serializers.DateTimeField(read_only=True)


class PlanListQuerySerializer(serializers.Serializer):
    department = serializers.SlugField(max_length=50, required=False)


class AuditQuerySerializer(serializers.Serializer):
    model = serializers.ChoiceField(choices=sorted(AUDITED), required=False)
    object_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    since = serializers.DateTimeField(required=False)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=100_000, default=0)


class AlignmentQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(
        required=False, help_text="Plans whose period contains this date; default today."
    )
