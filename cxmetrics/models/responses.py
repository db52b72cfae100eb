"""One customer measurement from any channel, and the daily rollups that summarise them."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Floor
from django.utils import timezone

from .choices import SCORE_RANGES, HandledBy, Metric
from .org import Channel, Department, Source


def _score_rule(metric: str, low: float, high: float, whole: bool) -> Q:
    rule = Q(metric=metric, score__gte=low, score__lte=high)
    # FLOOR of a double stays a double in SQL; ROUND would cast every row to numeric.
    return rule & Q(score=Floor("score")) if whole else rule


def _score_in_range() -> Q:
    """One rule per metric of `SCORE_RANGES`, OR-ed in its order (the migrated expression)."""
    return reduce(or_, (_score_rule(metric, *scale) for metric, scale in SCORE_RANGES.items()))


class Response(models.Model):
    """A customer's answer: NPS 0-10, CSAT 1-5, CES 2.0 1-7 or a sentiment -1..1.

    `day` is the date of `occurred_at` in the organisation's time zone (settings.TIME_ZONE),
    stored at ingest so that grouping by day needs no time-zone arithmetic in SQL.
    `customer_ref` is HMAC-SHA256(settings.CUSTOMER_HASH_KEY, customer id); the raw id is never
    stored. `sentiment` is the comment's compound score (null until scored); for the sentiment
    metric it is the score the source sent.
    """

    # No single-column indexes on the foreign keys: every query reaches responses through the
    # indexes below (source through the unique key), and each index costs ingest speed.
    # No database-level foreign keys either (db_constraint=False), as usual for a fact table:
    # PostgreSQL checks each row's three keys with a per-row trigger that also row-locks the
    # parent, which cost a third of the bulk-insert time. Integrity holds without them: ingest
    # writes only ids it has just read from these tables (cxmetrics.ingest.validate), and
    # deleting a source, channel or department that has responses is refused (PROTECT, in Django).
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="responses",
        db_index=False,
        db_constraint=False,
    )
    # COLLATE "C" on PostgreSQL (migration 0005): keep it if this field is ever altered.
    external_id = models.CharField(max_length=255)
    metric = models.CharField(max_length=10, choices=Metric.choices)
    score = models.FloatField()
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        related_name="responses",
        db_index=False,
        db_constraint=False,
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="responses",
        db_index=False,
        db_constraint=False,
    )
    occurred_at = models.DateTimeField()
    day = models.DateField(help_text="Date of occurred_at in the organisation's time zone.")
    received_at = models.DateTimeField(default=timezone.now)
    handled_by = models.CharField(
        max_length=12, choices=HandledBy.choices, default=HandledBy.UNKNOWN
    )
    agent_ref = models.CharField(max_length=100, blank=True, help_text="Agent or bot id.")
    customer_ref = models.CharField(max_length=64, blank=True)
    comment = models.TextField(blank=True)
    sentiment = models.FloatField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="response_source_external_id_uniq"
            ),
            models.CheckConstraint(
                condition=_score_in_range(),
                name="response_score_in_metric_range",
            ),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=True) | Q(sentiment__gte=-1, sentiment__lte=1),
                name="response_sentiment_in_range",
            ),
            models.CheckConstraint(
                condition=Q(handled_by__in=HandledBy.values), name="response_handled_by_valid"
            ),
        ]
        indexes = [
            # One index serves every raw read by date (rollup refresh and rebuild by day, comments
            # and listings over a date range, with or without a metric); rows by source go
            # through the unique key. Each further index cost about 1 us of server CPU per
            # ingested row (bench/api/).
            models.Index(fields=["day", "metric"], name="response_day_metric_idx"),
            # Comments still to score: tiny, so the per-minute catch-up never scans the table.
            models.Index(
                fields=["id"],
                condition=Q(sentiment__isnull=True) & ~Q(comment=""),
                name="response_unscored_idx",
            ),
            # A customer's next answer after a follow-up closed (the recovery of the follow-ups'
            # summary, one probe per closed follow-up); also serves erasing a customer.
            models.Index(
                fields=["customer_ref", "metric", "occurred_at"],
                condition=~Q(customer_ref=""),
                name="response_customer_next_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.score:g} ({self.source_id}:{self.external_id})"

    @property
    def sentiment_label(self) -> str | None:
        """positive / neutral / negative from `sentiment` (VADER thresholds); None if unscored."""
        from cxmetrics.sentiment import label

        return label(self.sentiment)

    def clean(self) -> None:
        """Model validation (admin, forms): the score fits its metric; times carry an offset."""
        errors: dict[str, str] = {}
        if self.metric in SCORE_RANGES and self.score is not None:
            low, high, whole = SCORE_RANGES[self.metric]
            if not low <= self.score <= high or (whole and self.score != int(self.score)):
                kind = "a whole number" if whole else "a number"
                errors["score"] = f"{self.metric} score must be {kind} from {low} to {high}."
        if self.occurred_at is not None and timezone.is_naive(self.occurred_at):
            errors["occurred_at"] = "occurred_at must carry a time-zone offset."
        if errors:
            raise ValidationError(errors)


class AdditiveCounts(models.Model):
    """The additive columns of a bucket (`selectors.counts.raw_sums` computes them)."""

    n = models.IntegerField(default=0)
    total = models.FloatField(default=0)
    total_sq = models.FloatField(default=0)
    promoters = models.IntegerField(default=0)
    passives = models.IntegerField(default=0)
    detractors = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    agree = models.IntegerField(default=0)
    commented = models.IntegerField(default=0)
    sentiment_n = models.IntegerField(default=0)
    # Sentiment sums are whole numbers in units of 1e-4 (and 1e-8 for squares): VADER compounds
    # have 4 decimals, and integer sums are exact in any order, so rollups equal raw sums.
    sentiment_total = models.BigIntegerField(default=0, help_text="Sum of sentiment x 10^4.")
    sentiment_total_sq = models.BigIntegerField(
        default=0, help_text="Sum of (sentiment x 10^4)^2, i.e. of squares x 10^8."
    )
    positive = models.IntegerField(default=0)
    negative = models.IntegerField(default=0)

    class Meta:
        abstract = True


def _reference(model: type[models.Model], *, indexed: bool = True) -> models.ForeignKey:
    return models.ForeignKey(model, on_delete=models.CASCADE, related_name="+", db_index=indexed)


class BucketKey(models.Model):
    """The key of a rollup bucket: the one definition `DailyRollup`, `RollupDelta` and
    `DirtyBucket` inherit."""

    day = models.DateField()
    metric = models.CharField(max_length=10, choices=Metric.choices)
    channel = _reference(Channel)
    department = _reference(Department)
    handled_by = models.CharField(max_length=12, choices=HandledBy.choices)
    source = _reference(Source)

    class Meta:
        abstract = True


class UnindexedBucketKey(BucketKey):
    """`BucketKey` without an index per foreign key, for rows never probed by key (deltas)."""

    channel = _reference(Channel, indexed=False)
    department = _reference(Department, indexed=False)
    source = _reference(Source, indexed=False)

    class Meta:
        abstract = True


# The bucket key's field names, in the order every bucket query groups, sorts and matches by
# (unique constraints, `services.rollup_deltas`, `mark_dirty`).
BUCKET_KEY: tuple[str, ...] = tuple(field.name for field in BucketKey._meta.local_fields)
# The same key as attnames (`channel_id`, ...): the columns of raw SQL and `values()`.
BUCKET_FIELDS: tuple[str, ...] = tuple(field.attname for field in BucketKey._meta.local_fields)
# The additive columns every score is computed from, in their declared order.
COUNT_FIELDS: tuple[str, ...] = tuple(field.name for field in AdditiveCounts._meta.local_fields)


class DailyRollup(AdditiveCounts, BucketKey):
    """Additive counts for one bucket; any grain is re-summed and any score recomputed exactly.

    Sentiment columns count the comment sentiment (or the sent sentiment score) of the bucket's
    responses, whatever their metric, so the sentiment figure reads every scored comment.
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=BUCKET_KEY,
                name="rollup_bucket_uniq",
            )
        ]
        indexes = [models.Index(fields=["metric", "day"], name="rollup_metric_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.channel_id}/{self.department_id} n={self.n}"


class RollupDelta(AdditiveCounts, UnindexedBucketKey):
    """What purely additive writes (new responses, first sentiment scores) add to a bucket.

    Appended in the same transaction as the rows it counts, so "delta committed" means "its rows
    committed"; the refresh adds pending deltas into DailyRollup and deletes them. Append-only:
    several deltas per bucket, no unique key, no secondary index (one row per bucket per ingest
    batch or scoring batch; the refresh claims the oldest by id). Signed, so a future subtractive
    change may be expressed too.
    """

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return f"delta {self.day} {self.metric} {self.channel_id}/{self.department_id} n={self.n}"


class NewRows(models.Model):
    """The ids of the responses one ingest batch inserted, whose rollup deltas are not computed.

    Ingest appends one row per batch, in the transaction that inserts the responses: computing
    thousands of per-bucket deltas while the integrator waits cost a third of the insert
    itself, appending a list of ids almost nothing. The refresh turns pending rows into
    `RollupDelta`s counting the responses as they were inserted
    (`services.rollup_deltas.expand_new_rows`), so "new rows committed" still means "their
    deltas are on their way", and a broker outage loses nothing.
    """

    id = models.BigAutoField(primary_key=True)
    response_ids = models.JSONField(help_text="Ids of the responses the batch inserted.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "new rows"

    def __str__(self) -> str:
        return f"{len(self.response_ids)} new responses ({self.created_at:%Y-%m-%d %H:%M})"


class DirtyBucket(BucketKey):
    """A rollup bucket whose responses changed since it was last computed.

    Written in the same transaction as the responses, so a broker outage loses nothing: the
    periodic refresh recomputes whatever is marked here.
    """

    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=BUCKET_KEY,
                name="dirty_bucket_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"dirty {self.day} {self.metric} {self.channel_id}/{self.department_id}"
