"""Automation and empathy: outcomes by who handled the interaction, and escalations."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from cxmetrics import metrics
from cxmetrics.models import HandledBy
from cxmetrics.selectors.counts import group_labels
from cxmetrics.selectors.summary import SummaryFilters, compare_fields

from .stats import add_counts, grouped_counts, holm, score_with_margins

HANDLERS = (HandledBy.AI, HandledBy.HUMAN, HandledBy.AI_TO_HUMAN)


def automation_comparison(*, metric: str, filters: SummaryFilters) -> dict[str, Any]:
    """Outcomes for ai, human and ai_to_human per channel (and all channels), AI vs human.

    Per channel: `groups` {handled_by: score or None}, `ai_vs_human` and
    `escalated_vs_human` (difference, p, Holm-adjusted p over the channels shown, significant).
    `over_automation_risk` is set where AI-handled outcomes are significantly worse than
    human-handled ones after the adjustment. The "all" row pools every channel and is not
    tested (the channel mix differs by handler). One query.
    """
    rows = grouped_counts(metric=metric, filters=filters, by=("channel", "handled_by"))
    labels = group_labels("channel")
    by_channel: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        by_channel.setdefault(row["channel"], {})[row["handled_by"]] = row
    pooled = {
        handler: add_counts([row for row in rows if row["handled_by"] == handler])
        for handler in HANDLERS
        if any(row["handled_by"] == handler for row in rows)
    }
    entries = [
        _entry(metric, key, labels.get(key, key), groups)
        for key, groups in sorted(by_channel.items(), key=lambda kv: labels.get(kv[0], kv[0]))
        if any(handler in groups for handler in HANDLERS)
    ]
    for test in ("ai_vs_human", "escalated_vs_human"):
        tested = [entry[test] for entry in entries]
        adjusted = holm([t["p"] if t else None for t in tested])
        for entry, result in zip(entries, adjusted, strict=True):
            if entry[test]:
                entry[test].update(result)
    for entry in entries:
        comparison = entry["ai_vs_human"]
        entry["over_automation_risk"] = bool(
            comparison and comparison["significant"] and comparison["difference"] < 0
        )
    # The pooled row mixes channels in different proportions per handler (no AI in stores),
    # so it is shown but never tested: only like-for-like comparisons within a channel are.
    overall = _entry(metric, "all", "All channels", pooled)
    overall.update(ai_vs_human=None, escalated_vs_human=None, over_automation_risk=False)
    return {
        "metric": metric,
        "n": sum(
            (group or {}).get("n", 0) for entry in entries for group in entry["groups"].values()
        ),
        "low_n": settings.CX_LOW_SAMPLE_N,
        "channels": entries,
        "overall": overall,
        "flagged": [entry["label"] for entry in entries if entry["over_automation_risk"]],
    }


def _entry(metric: str, key: str, label: str, groups: dict[str, dict[str, Any]]) -> dict:
    human = groups.get(HandledBy.HUMAN)
    return {
        "key": key,
        "label": label,
        "groups": {
            handler.value: score_with_margins(metric, groups.get(handler)) for handler in HANDLERS
        },
        "ai_vs_human": compare_fields(metric, groups.get(HandledBy.AI), human),
        "escalated_vs_human": compare_fields(metric, groups.get(HandledBy.AI_TO_HUMAN), human),
    }


def escalation_share(*, filters: SummaryFilters) -> dict[str, Any]:
    """Share of AI-handled responses that were escalated to a human, per channel and overall.

    share = ai_to_human / (ai + ai_to_human) in percent, with a Wilson 95% interval; counts are
    responses of every metric (one response is one answered survey). Channels where AI never
    handled anything are left out. Returns {n, low_n, overall, channels}. One query.
    """
    rows = grouped_counts(metric=None, filters=filters, by=("channel", "handled_by"))
    labels = group_labels("channel")
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["handled_by"] in (HandledBy.AI, HandledBy.AI_TO_HUMAN):
            channel = totals.setdefault(row["channel"], {"ai": 0, "ai_to_human": 0})
            channel[row["handled_by"]] += row["n"] or 0
    channels = [
        {"key": key, "label": labels.get(key, key), **_share(c["ai_to_human"], c["ai"])}
        for key, c in sorted(totals.items(), key=lambda kv: labels.get(kv[0], kv[0]))
    ]
    overall = _share(
        sum(c["ai_to_human"] for c in totals.values()), sum(c["ai"] for c in totals.values())
    )
    return {
        "n": overall["n"],
        "low_n": settings.CX_LOW_SAMPLE_N,
        "overall": overall,
        "channels": [c for c in channels if c["n"]],
    }


def _share(escalated: int, ai_only: int) -> dict[str, Any]:
    n = escalated + ai_only
    result = metrics.proportion(escalated, n)
    return {
        "n": n,
        "escalated": escalated,
        "share": result.score if result else None,
        "ci95": [result.low, result.high] if result else None,
        "err95": [result.score - result.low, result.high - result.score] if result else None,
        "low_sample": n < settings.CX_LOW_SAMPLE_N,
    }
