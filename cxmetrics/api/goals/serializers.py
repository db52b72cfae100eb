"""Serializers for goals and incentive plans: shapes and types only.

Business rules (metric ranges, weights summing to 100, curves) are validated by
cxmetrics.services.goals, whose field-level errors the views return as 400s.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from cxmetrics import incentives
from cxmetrics.models import (
    Channel,
    Department,
    Goal,
    GoalMetric,
    GoalStatus,
    HandledBy,
    InvitationStatus,
)
from cxmetrics.selectors.goals_audit import AUDITED, MAX_LIMIT
from cxmetrics.services.goals.validation import MAX_BONUS

MAX_ID = 2**53  # ids beyond this are not ours (and overflow SQLite integers)
MANY_KWARGS = frozenset(MANY_RELATION_KWARGS)
USERNAME_PATTERN = r"^[\w.@+-]+$"  # Django's username validator (at most 150 characters)


# JSON body fields take the JSON type the schema documents and nothing else: DRF's own fields
# also take "30" or false for a number and 5 for a string, which the schema says are invalid.


class JSONCharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONFloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class JSONManyRelatedField(serializers.ManyRelatedField):
    """A list of references: a JSON array (DRF also takes an object, as an empty list)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
        "nullable": True,
        "example": "5000.00",
    }
)
class AmountField(serializers.DecimalField):
    """A non-negative amount of money with two decimals, answered as a decimal string; the
    schema states its shape (no sign, at most 10 digits before the point and 2 after)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=MAX_BONUS, **kwargs
        )


class SafeSlugRelatedField(serializers.SlugRelatedField):
    """A slug relation that turns NUL bytes and overlong values into a 400, not a DB error."""

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> JSONManyRelatedField:
        # As RelatedField.many_init, with the strict list field.
        return JSONManyRelatedField(
            child_relation=cls(*args, **kwargs),
            **{key: value for key, value in kwargs.items() if key in MANY_KWARGS},
        )

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


EMPTY_PATCH = "Send at least one field to change."


class ChangeSerializer(serializers.Serializer):
    # A PATCH with an empty body changes nothing: refuse it (400) rather than answer 200. The
    # schema says the same (minProperties: 1 on Patched* bodies, cxmetrics.api.schema).

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and not self.initial_data:
            raise serializers.ValidationError({"non_field_errors": [EMPTY_PATCH]})
        return super().validate(attrs)


class GoalSerializer(ChangeSerializer):
    """A goal: a target on one metric over a scope and a period."""

    id = serializers.IntegerField(read_only=True)
    name = JSONCharField(max_length=200)
    description = JSONCharField(max_length=10_000, allow_blank=True, required=False)
    metric = serializers.ChoiceField(choices=GoalMetric.choices)
    scope_channels = SafeSlugRelatedField(
        many=True, slug_field="slug", queryset=Channel.objects.all(), required=False
    )
    scope_departments = SafeSlugRelatedField(
        many=True, slug_field="slug", queryset=Department.objects.all(), required=False
    )
    scope_handled_by = serializers.ListField(
        child=serializers.ChoiceField(choices=HandledBy.choices), required=False, max_length=10
    )
    baseline = JSONFloatField()
    target = JSONFloatField()
    stretch = JSONFloatField(allow_null=True, required=False)
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
        help_text=(
            "Read: the departments taking part (accepted), two or more make a shared goal. "
            "Write: the departments wanted. Those you may commit (the ones you lead; any for "
            "an admin) take part at once, the others are invited and appear in "
            "`invited_departments` until one of their leads accepts. Departments left out "
            "leave the goal (refused while their plan pays on it) and their pending "
            "invitations are withdrawn, so a replacement (PUT) that should keep an "
            "invitation lists it; a declined department listed again is asked again."
        ),
    )
    invited_departments = serializers.SerializerMethodField(
        help_text="Departments invited that have not answered yet (slugs)."
    )
    declined_departments = serializers.SerializerMethodField(
        help_text="Departments that declined the invitation (slugs)."
    )
    archived = JSONBooleanField(
        required=False,
        help_text=(
            "Archived goals are left out of the goal list (unless `?archived=true`) and take "
            "no new plan components; plans already paying on them keep them. Write `true` to "
            "archive, `false` to bring back (owner or admin)."
        ),
    )
    min_n = JSONIntegerField(min_value=1, max_value=1_000_000, required=False)
    shared = serializers.SerializerMethodField()
    last_alerted_status = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_shared(self, goal: Goal) -> bool:
        return incentives.is_shared(len(goal.departments.all()))

    @staticmethod
    def _invited(goal: Goal, status: str) -> list[str]:
        # goal.invitations is prefetched with their departments (selectors.goals_queryset).
        return sorted(i.department.slug for i in goal.invitations.all() if i.status == status)

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_invited_departments(self, goal: Goal) -> list[str]:
        return self._invited(goal, InvitationStatus.PENDING)

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_declined_departments(self, goal: Goal) -> list[str]:
        return self._invited(goal, InvitationStatus.DECLINED)

    def to_representation(self, goal: Goal) -> dict[str, Any]:
        data = super().to_representation(goal)
        data["archived"] = goal.is_archived
        return data


class GoalListQuerySerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=GoalMetric.choices, required=False)
    department = serializers.SlugField(max_length=50, required=False)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)
    active = serializers.BooleanField(required=False)
    archived = serializers.BooleanField(
        default=False,
        help_text="false (default): goals not archived; true: the archived goals only.",
    )


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="YYYY-MM-DD; default today.")


class ComponentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    goal = SafePrimaryKeyRelatedField(queryset=Goal.objects.all())
    weight = JSONIntegerField(min_value=1, max_value=100, help_text="Whole percent.")
    threshold = JSONFloatField()
    target = JSONFloatField()
    stretch = JSONFloatField()
    threshold_payout = JSONFloatField(
        default=incentives.DEFAULT_THRESHOLD_PAYOUT, min_value=0.0, max_value=100.0
    )
    stretch_payout = JSONFloatField(default=incentives.DEFAULT_STRETCH_PAYOUT)


class IncentivePlanSerializer(ChangeSerializer):
    """An incentive plan of one department: weighted components paying on goals."""

    id = serializers.IntegerField(read_only=True)
    name = JSONCharField(max_length=200)
    department = SafeSlugRelatedField(slug_field="slug", queryset=Department.objects.all())
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    confidence_gate = JSONBooleanField(
        default=True, help_text="Pay on the lower bound of the 95% interval."
    )
    min_n = JSONIntegerField(min_value=1, max_value=1_000_000, default=30)
    target_bonus = AmountField(
        allow_null=True,
        required=False,
        help_text="The amount paid at 100% (a decimal string); null: payouts in percent only.",
    )
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        required=False,
        allow_blank=True,
        help_text="ISO 4217 code of the target bonus (EUR, USD...); required with a bonus.",
    )
    components = ComponentSerializer(
        many=True,
        min_length=1,
        max_length=50,
        help_text="Weights are whole percentages summing to 100.",
    )
    closed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the period was closed; null while open."
    )


class GoalSnapshotSerializer(serializers.Serializer):
    """One nightly snapshot of a goal (GET /goals/{id}/history returns a list of these)."""

    as_of = serializers.DateField()
    value = serializers.FloatField(allow_null=True, help_text="Null below the goal's min_n.")
    n = serializers.IntegerField()
    low = serializers.FloatField(allow_null=True, help_text="95% interval, low end.")
    high = serializers.FloatField(allow_null=True, help_text="95% interval, high end.")
    expected = serializers.FloatField(help_text="Where the goal should be by as_of.")
    status = serializers.ChoiceField(choices=GoalStatus.choices)


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
