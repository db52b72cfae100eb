"""Serializers of the follow-up endpoints: shapes and types only. Business rules (transitions,
closing needs an outcome and a root cause, assignees, rule bands per metric) are the
services' (cxmetrics.services.followups), whose field-level errors the views answer as 400s."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from cxmetrics.api.goals.serializers import (
    ChangeSerializer,
    JSONBooleanField,
    JSONCharField,
    JSONFloatField,
    JSONIntegerField,
    SafePrimaryKeyRelatedField,
    SafeSlugRelatedField,
)
from cxmetrics.api.responses.serializers import CommaList, FilterQuery
from cxmetrics.models import (
    Channel,
    Department,
    FollowUpStatus,
    HandledBy,
    Metric,
    Outcome,
    Priority,
    RootCause,
    WebhookEndpoint,
)
from cxmetrics.selectors.followups_summary import FOLLOWUP_GROUPS
from cxmetrics.services.followups.rule_writes import MAX_DEDUPE_DAYS, MAX_SLA_HOURS

MAX_ROW_ID = 2**53


class FollowUpListQuery(serializers.Serializer):
    department = CommaList(dimension="department", help_text="Owner departments, comma separated.")
    source = CommaList(dimension="source", help_text="Sources, comma separated.")
    status = serializers.ChoiceField(choices=FollowUpStatus.choices, required=False)
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: not closed and past due_at; false: the others.",
    )
    external_id = serializers.CharField(
        required=False, max_length=255, help_text="The external_id of the response."
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="Rows per page (1-1000)."
    )
    cursor = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ROW_ID,
        help_text="From the `next` link: follow-ups with a smaller id (older) follow.",
    )
    format = serializers.ChoiceField(
        choices=["json", "csv"],
        required=False,
        help_text="csv: the whole filtered listing as one streamed CSV file (no pages).",
    )


class FollowUpRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField(help_text="Slug of the source of the response.")
    external_id = serializers.CharField(help_text="The response's id at its source.")
    department = serializers.CharField(help_text="Slug of the owning department.")
    status = serializers.ChoiceField(choices=FollowUpStatus.choices)
    outcome = serializers.CharField(
        allow_blank=True, help_text="resolved, not_resolved or unreachable; blank until closed."
    )
    root_cause = serializers.CharField(allow_null=True)
    assignee = serializers.CharField(allow_null=True, help_text="Username.")
    opened_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(help_text="opened_at + the rule's SLA.")
    first_contact_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField(help_text="Not closed and past due_at.")
    priority = serializers.ChoiceField(choices=Priority.choices)
    rule = serializers.CharField(help_text="Name of the rule that opened it.")
    note = serializers.CharField(allow_blank=True)


class FollowUpPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FollowUpRowSerializer(many=True)


class FollowUpChangeSerializer(ChangeSerializer):
    """PATCH /api/v1/followups/{id}: any of these fields."""

    status = serializers.ChoiceField(
        choices=FollowUpStatus.choices,
        required=False,
        help_text="Forward only (open, in_progress, contacted, closed); open again reopens a "
        "closed one. Closing needs an outcome and a root cause.",
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, help_text="Set when closing."
    )
    root_cause = SafeSlugRelatedField(
        slug_field="name",
        queryset=RootCause.objects.all(),
        required=False,
        allow_null=True,
        help_text="A name from /api/v1/root-causes.",
    )
    assignee = SafeSlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        required=False,
        allow_null=True,
        help_text="Username of a team lead of the department, or of an admin.",
    )
    note = JSONCharField(required=False, allow_blank=True, max_length=10_000, trim_whitespace=False)


class FollowUpRuleSerializer(ChangeSerializer):
    """A follow-up rule: which responses open a follow-up, owned by whom, with which SLA."""

    id = serializers.IntegerField(read_only=True)
    name = JSONCharField(max_length=100)
    metric = serializers.ChoiceField(
        choices=Metric.choices,
        help_text="sentiment matches the response's comment sentiment (or sent sentiment).",
    )
    score_min = JSONFloatField(help_text="Lowest matching value in the metric's units.")
    score_max = JSONFloatField(help_text="Highest matching value (inclusive).")
    channels = SafeSlugRelatedField(
        many=True, slug_field="slug", queryset=Channel.objects.all(), required=False
    )
    departments = SafeSlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=Department.objects.all(),
        required=False,
        help_text="Responses of these departments only; empty: all.",
    )
    handled_by = serializers.ListField(
        child=serializers.ChoiceField(choices=HandledBy.choices), required=False, max_length=4
    )
    has_comment = JSONBooleanField(required=False)
    owner_department = SafeSlugRelatedField(
        slug_field="slug",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text="Owns the follow-ups; null: the response's own department.",
    )
    sla_hours = JSONIntegerField(required=False, min_value=1, max_value=MAX_SLA_HOURS)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    dedupe_days = JSONIntegerField(required=False, min_value=0, max_value=MAX_DEDUPE_DAYS)
    active = JSONBooleanField(required=False)
    webhook = SafePrimaryKeyRelatedField(
        queryset=WebhookEndpoint.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the webhook endpoint sent followup.opened and followup.closed for "
        "this rule's follow-ups; null: none. Set by admins only (a lead's attempt is a 400).",
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True, help_text="Username."
    )
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["channels"] = sorted(data["channels"])
        data["departments"] = sorted(data["departments"])
        return data


class RootCauseSerializer(serializers.Serializer):
    name = serializers.CharField()
    active = serializers.BooleanField(help_text="Inactive causes are kept but not offered.")


# --- GET /api/v1/followups/summary ---------------------------------------------------------


class FollowUpSummaryQuery(FilterQuery):
    group_by = serializers.ChoiceField(
        choices=FOLLOWUP_GROUPS,
        required=False,
        help_text="department (owner), channel or handled_by (of the response), or day, week, "
        "month of opened_at in the organisation's time zone. Absent: one group 'all'.",
    )


def _share(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


def _interval(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FloatField(), allow_null=True, help_text=help_text
    )


class RecoverySerializer(serializers.Serializer):
    n = serializers.IntegerField(
        help_text="Closed follow-ups whose customer answered the same metric again after "
        "closed_at (the next answer's value known)."
    )
    recovered = serializers.IntegerField(
        help_text="Of those, whose next answer lies outside the opening rule's band."
    )
    rate = _share("recovered / n in percent; null when n is 0.")
    ci95 = _interval("Wilson 95% interval of rate, percent; null when n is 0.")
    low_sample = serializers.BooleanField(help_text="n below CX_LOW_SAMPLE_N (default 30).")


class FollowUpGroupSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="Department or channel slug, handled_by value, ISO date starting the day, "
        "week (Monday) or month, or 'all'."
    )
    label = serializers.CharField()
    opened = serializers.IntegerField(help_text="Follow-ups opened in the period.")
    closed = serializers.IntegerField(help_text="Of those, closed now.")
    closed_on_time = serializers.IntegerField(help_text="Closed at or before due_at.")
    resolved = serializers.IntegerField(help_text="Closed with outcome resolved.")
    open = serializers.IntegerField(help_text="Not closed now.")
    overdue = serializers.IntegerField(help_text="Not closed and past due_at now.")
    on_time_rate = _share("closed_on_time / opened in percent; null when nothing opened.")
    ci95 = _interval("Wilson 95% interval of on_time_rate, percent.")
    median_hours_to_first_contact = _share("Median hours from opened_at to first_contact_at.")
    median_hours_to_close = _share("Median hours from opened_at to closed_at.")
    resolved_share = _share("resolved / closed in percent; null when nothing closed.")
    resolved_ci95 = _interval("Wilson 95% interval of resolved_share, percent.")
    recovery = RecoverySerializer()
    low_sample = serializers.BooleanField(help_text="opened below CX_LOW_SAMPLE_N (default 30).")


class RootCauseCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="Closed follow-ups with this root cause.")


class FollowUpSummarySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=FOLLOWUP_GROUPS, allow_null=True)
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    low_n = serializers.IntegerField(help_text="CX_LOW_SAMPLE_N: smaller samples are flagged.")
    groups = FollowUpGroupSerializer(many=True)
    overall = FollowUpGroupSerializer(help_text="Every follow-up in the filters.")
    root_causes = RootCauseCountSerializer(
        many=True, help_text="Root causes of the closed follow-ups, most frequent first."
    )
