"""Query-string validation (400 with field messages naming the allowed values) and the
documented shapes of the answers. Ingest bodies are not validated here: see
cxmetrics.ingest.validate (a serializer per item would be far too slow for bulk ingest)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rest_framework import serializers

from cxmetrics import metrics
from cxmetrics.models import Metric
from cxmetrics.selectors import GROUP_BY_CHOICES, SummaryFilters, scope
from cxmetrics.selectors.scope import DIMENSIONS, allowed_values

MAX_ROW_ID = 2**63 - 1  # a BigAutoField


def _field_error(error: ValueError) -> serializers.ValidationError:
    return serializers.ValidationError(str(error))


class ScopeDate(serializers.DateField):
    """An inclusive day read by the shared scope rule (`scope.parse_day`)."""

    def to_internal_value(self, value: Any) -> date:
        try:
            return scope.parse_day(value)
        except ValueError as error:
            raise _field_error(error) from None


class CommaList(serializers.CharField):
    """`a,b,c` of one dimension's values; blank means no filter. Documented as an array of the
    allowed values (style form, explode false: `?channel=chat,web`)."""

    def __init__(self, *, dimension: str, **kwargs: Any) -> None:
        self.dimension = dimension
        super().__init__(required=False, allow_blank=True, **kwargs)

    def to_internal_value(self, data: Any) -> tuple[str, ...]:
        try:
            return scope.parse_values(super().to_internal_value(data), self.dimension)
        except ValueError as error:
            raise _field_error(error) from None


class FilterQuery(serializers.Serializer):
    """Filters shared by the summary, the comparison and the listing."""

    start = ScopeDate(
        required=False, help_text="First day, inclusive (YYYY-MM-DD, organisation's time zone)."
    )
    end = ScopeDate(required=False, help_text="Last day, inclusive (YYYY-MM-DD); not before start.")
    channel = CommaList(dimension="channel", help_text="Channel slugs, comma separated.")
    department = CommaList(dimension="department", help_text="Department slugs, comma separated.")
    handled_by = CommaList(dimension="handled_by", help_text="handled_by values, comma separated.")
    source = CommaList(dimension="source", help_text="Source slugs, comma separated.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            scope.check_period(attrs.get("start"), attrs.get("end"))
        except ValueError as error:
            raise serializers.ValidationError({"end": [str(error)]}) from None
        return attrs

    def filters(self) -> SummaryFilters:
        data = self.validated_data
        lists = {key: data.get(key) for key in DIMENSIONS}
        return SummaryFilters.of(start=data.get("start"), end=data.get("end"), **lists)


class SummaryQuery(FilterQuery):
    metric = serializers.ChoiceField(choices=Metric.choices)
    group_by = serializers.ChoiceField(
        choices=GROUP_BY_CHOICES,
        required=False,
        help_text="Absent: one overall group with key 'all'.",
    )


class CompareQuery(FilterQuery):
    metric = serializers.ChoiceField(choices=Metric.choices)
    by = serializers.ChoiceField(choices=DIMENSIONS)
    a = serializers.CharField(
        max_length=150,
        help_text="First group: a value of the `by` dimension (a slug, or a handled_by value).",
    )
    b = serializers.CharField(
        max_length=150, help_text="Second group: another value of the `by` dimension."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        allowed = allowed_values(attrs["by"])
        errors = {
            side: [f"unknown {attrs['by']} {attrs[side]!r}; allowed: {', '.join(allowed)}"]
            for side in ("a", "b")
            if attrs[side] not in allowed
        }
        if not errors and attrs["a"] == attrs["b"]:
            errors["b"] = ["b must differ from a"]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ResponseListQuery(FilterQuery):
    metric = CommaList(dimension="metric", help_text="Metrics, comma separated.")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="Rows per page (1-1000)."
    )
    cursor = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ROW_ID,
        help_text="From the `next` link: rows with a smaller id (older) follow.",
    )
    format = serializers.ChoiceField(
        choices=["json", "csv"],
        required=False,
        help_text="csv: the whole filtered listing as one streamed CSV file (no pages).",
    )


# --- Documented answers (drf-spectacular reads these; the views build plain dicts) ---------


class NullableFloat(serializers.FloatField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, **kwargs)


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="Slug, handled_by value, ISO date starting the period, or 'all'."
    )
    label = serializers.CharField()
    n = serializers.IntegerField()
    score = NullableFloat(
        required=False,
        help_text="NPS -100..100, CSAT 0..100 %, CES 1..7, sentiment -1..1; unrounded.",
    )
    ci95 = serializers.ListField(
        child=NullableFloat(), required=False, help_text="95% interval [low, high]."
    )
    moe95 = NullableFloat(required=False, help_text="NPS, CES, sentiment: 95% margin.")
    promoters = serializers.IntegerField(required=False)
    passives = serializers.IntegerField(required=False)
    detractors = serializers.IntegerField(required=False)
    satisfied = serializers.IntegerField(required=False)
    pct_agree = NullableFloat(required=False)
    pct_positive = NullableFloat(required=False)
    pct_negative = NullableFloat(required=False)
    low_sample = serializers.BooleanField(help_text="n below CX_LOW_SAMPLE_N (default 30).")


class SummarySerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices)
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    groups = FigureSerializer(many=True)


class CompareSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices)
    by = serializers.ChoiceField(choices=DIMENSIONS)
    a = FigureSerializer()
    b = FigureSerializer()
    difference = NullableFloat(
        help_text="a minus b, on the metric's scale; null only when a group has no responses."
    )
    test = serializers.ChoiceField(
        choices=[metrics.TEST_NPS_Z, metrics.TEST_TWO_PROPORTION_Z, metrics.TEST_WELCH_T],
        help_text="The metric's test: nps_z (NPS), two_proportion_z (CSAT), welch_t (CES, "
        "sentiment: Welch's t-test with Welch-Satterthwaite degrees of freedom).",
    )
    statistic = NullableFloat(help_text="The test statistic: z, or Welch's t.")
    z = NullableFloat(help_text="Deprecated: the same value as `statistic`.")
    df = NullableFloat(help_text="Welch-Satterthwaite degrees of freedom (welch_t only).")
    p = NullableFloat(
        help_text="Two-sided p-value (Student t with `df` for welch_t, else the normal)."
    )
    significant = serializers.BooleanField(allow_null=True, help_text="p < 0.05.")
    reason = serializers.CharField(
        allow_null=True,
        help_text="Why the test fields are null (a group with no responses or one answer, "
        "no variance); null when the test ran.",
    )


class ResponseRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    external_id = serializers.CharField()
    metric = serializers.ChoiceField(choices=Metric.choices)
    score = serializers.FloatField()
    channel = serializers.CharField()
    department = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    day = serializers.DateField()
    received_at = serializers.DateTimeField()
    handled_by = serializers.CharField(help_text="ai, human, ai_to_human or unknown.")
    agent_ref = serializers.CharField(allow_blank=True)
    customer_ref = serializers.CharField(
        allow_blank=True, help_text="Keyed hash of the customer id."
    )
    comment = serializers.CharField(allow_blank=True, help_text="As stored (redacted).")
    sentiment = NullableFloat(help_text="Comment sentiment -1..1; null until scored.")
    attributes = serializers.DictField()


class ResponsePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ResponseRowSerializer(many=True)


class SlugNameSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SourceSerializer(SlugNameSerializer):
    kind = serializers.CharField()
    channels = serializers.ListField(child=serializers.CharField())
    default_channel = serializers.CharField(allow_null=True)
    default_department = serializers.CharField(allow_null=True)
    is_demo = serializers.BooleanField()


class RejectionSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="0-based position of the item in the batch.")
    line = serializers.IntegerField(required=False, help_text="NDJSON and CSV: 1-based line.")
    external_id = serializers.CharField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class IngestAnswerSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Items stored.")
    duplicates = serializers.IntegerField(help_text="Items already stored (same external_id).")
    rejected = RejectionSerializer(many=True)
    rejected_total = serializers.IntegerField(
        required=False, help_text="CSV: all rejections when more than 1,000 (listed: first)."
    )
    updated = serializers.IntegerField(required=False, help_text="Adapters: updated in place.")
    skipped = serializers.IntegerField(required=False, help_text="Adapters: left out.")
    detail = serializers.CharField(required=False, help_text="CSV broken mid-file: why.")
    line = serializers.IntegerField(required=False, help_text="CSV broken mid-file: where.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    line = serializers.IntegerField(required=False)
    column = serializers.IntegerField(required=False)
