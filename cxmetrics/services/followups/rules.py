"""Which responses a follow-up rule matches: the one definition, for the pipeline and the backfill.

* `RuleSpec`: a rule read once per evaluation (its relations as id sets), plain data.
* `active_rules()`: the active rules as specs, in the order they are tried (priority high ->
  low, then oldest first); a response matching several rules opens one follow-up, under the
  first of them that matches when it is evaluated.
* `rule_q(spec)`: the rule as a filter over `Response`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from cxmetrics.models import PRIORITY_RANK, FollowUpRule, Metric

__all__ = ["RuleSpec", "active_rules", "rule_q", "spec_of"]


@dataclass(frozen=True)
class RuleSpec:
    """A `FollowUpRule` as evaluation reads it (empty sets mean all)."""

    id: int
    metric: str
    score_min: float
    score_max: float
    channel_ids: frozenset[int]
    department_ids: frozenset[int]
    handled_by: frozenset[str]
    has_comment: bool
    owner_department_id: int | None
    sla_hours: int
    priority: str
    dedupe_days: int
    webhook_id: int | None = None


def spec_of(rule: FollowUpRule) -> RuleSpec:
    """`rule` as a spec (reads `channels` and `departments`: prefetch them for many rules)."""
    return RuleSpec(
        id=rule.pk,
        metric=rule.metric,
        score_min=rule.score_min,
        score_max=rule.score_max,
        channel_ids=frozenset(c.pk for c in rule.channels.all()),
        department_ids=frozenset(d.pk for d in rule.departments.all()),
        handled_by=frozenset(rule.handled_by or ()),
        has_comment=rule.has_comment,
        owner_department_id=rule.owner_department_id,
        sla_hours=rule.sla_hours,
        priority=rule.priority,
        dedupe_days=rule.dedupe_days,
        webhook_id=rule.webhook_id,
    )


def active_rules() -> list[RuleSpec]:
    """The active rules in the order they are tried: priority (high first), then id. Three
    queries (the rules and their two relations)."""
    rules = FollowUpRule.objects.filter(active=True).prefetch_related("channels", "departments")
    specs = [spec_of(rule) for rule in rules]
    return sorted(specs, key=lambda s: (PRIORITY_RANK.get(s.priority, 9), s.id))  # type: ignore[call-overload]


def rule_q(spec: RuleSpec) -> Q:
    """The responses `spec` matches, as a `Q` over `Response`.

    NPS, CSAT, CES: responses of that metric with `score_min <= score <= score_max`.
    Sentiment: responses of any metric with `score_min <= sentiment <= score_max` (a comment's
    compound once scored, or the score a source sent for the sentiment metric; null never
    matches). Then the optional narrowing: channels, departments, handled_by, has a comment.
    """
    if spec.metric == Metric.SENTIMENT:
        q = Q(sentiment__gte=spec.score_min, sentiment__lte=spec.score_max)
    else:
        q = Q(metric=spec.metric, score__gte=spec.score_min, score__lte=spec.score_max)
    if spec.channel_ids:
        q &= Q(channel_id__in=sorted(spec.channel_ids))
    if spec.department_ids:
        q &= Q(department_id__in=sorted(spec.department_ids))
    if spec.handled_by:
        q &= Q(handled_by__in=sorted(spec.handled_by))
    if spec.has_comment:
        q &= ~Q(comment="")
    return q
