"""Generated, clearly-marked demo responses for the demo organisation's demo source.

The generator is deterministic for a seed. Its story: channels differ (stores and phone do best,
social and web worst), AI-handled chat is noticeably less satisfied than human-handled chat, and
every channel dips for a few weeks about two months ago (a delivery backlog).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from cxmetrics.ingest.types import ResponseIn
from cxmetrics.localtime import local_day
from cxmetrics.models import Channel, Department, HandledBy, Metric, Source
from cxmetrics.services.ingest import record_responses
from cxmetrics.services.personal_data import customer_ref

DEMO_SOURCE_SLUG = "demo"

# channel: (share of responses, base quality, metrics it asks, departments it serves)
CHANNELS: dict[str, tuple[float, float, tuple[str, ...], tuple[str, ...]]] = {
    "web": (0.20, 0.58, ("nps", "ces", "csat"), ("product", "billing")),
    "app": (0.18, 0.64, ("nps", "csat"), ("product",)),
    "phone": (0.12, 0.70, ("csat", "ces"), ("support", "billing")),
    "chat": (0.20, 0.66, ("csat", "ces", "nps"), ("support", "billing")),
    "email": (0.12, 0.62, ("csat", "nps"), ("support", "logistics")),
    "store": (0.10, 0.74, ("nps", "csat"), ("stores",)),
    "social": (0.08, 0.50, ("sentiment",), ("support", "logistics")),
}
# channel: handled_by weights (ai, human, ai_to_human, unknown)
HANDLING: dict[str, tuple[float, float, float, float]] = {
    "chat": (0.50, 0.33, 0.17, 0.0),
    "phone": (0.20, 0.70, 0.10, 0.0),
    "email": (0.25, 0.75, 0.0, 0.0),
    "social": (0.30, 0.60, 0.10, 0.0),
    "store": (0.0, 1.0, 0.0, 0.0),
    "web": (0.0, 0.0, 0.0, 1.0),
    "app": (0.0, 0.0, 0.0, 1.0),
}
# Effect of who handled the interaction on quality (AI alone is worse, escalations worst).
HANDLING_EFFECT = {"ai": -0.13, "human": 0.04, "ai_to_human": -0.08, "unknown": 0.0}

POSITIVE = [
    "Great service, the agent solved my problem quickly. Thank you!",
    "Really helpful and friendly, I love how easy this was.",
    "Excellent experience, delivery arrived early and everything works perfectly.",
    "Super quick answer, very satisfied with the support.",
    "The new app update is fantastic, checkout is so smooth now.",
    "Staff in the store were amazing and patient with my questions.",
]
NEUTRAL = [
    "It was ok, took a while but the issue is fixed.",
    "Average experience. Nothing special.",
    "I got an answer, though I had to explain twice.",
    "Delivery was on the expected date.",
    "The website works, the search could be clearer.",
]
NEGATIVE = [
    "Terrible experience, the bot kept looping and never understood my question.",
    "Waited 40 minutes on hold and nobody could help. Very frustrating.",
    "My parcel is late again and support ignored my emails. Awful.",
    "The chatbot was useless, I just wanted to talk to a human.",
    "I was charged twice and it took three contacts to get a refund. Disappointed.",
    "Rude answer and the problem is still not solved. I will cancel.",
]


def _quality(rng: random.Random, base: float, handled_by: str, days_ago: int) -> float:
    dip = -0.14 * math.exp(-(((days_ago - 60) / 9) ** 2))  # the backlog two months ago
    trend = 0.03 * (1 - days_ago / 180)  # slow improvement over the half year
    q = base + HANDLING_EFFECT[handled_by] + dip + trend + rng.gauss(0, 0.17)
    return min(1.0, max(0.0, q))


def _score(rng: random.Random, metric: str, q: float) -> float:
    if metric == Metric.NPS:
        return float(min(10, max(0, round(3.3 + q * 7.6 + rng.gauss(0, 1.0)))))
    if metric == Metric.CSAT:
        return float(min(5, max(1, round(1.7 + q * 4 + rng.gauss(0, 0.55)))))
    if metric == Metric.CES:
        return float(min(7, max(1, round(1.9 + q * 6 + rng.gauss(0, 0.8)))))
    return round(min(1.0, max(-1.0, (q - 0.5) * 2 + rng.gauss(0, 0.2))), 4)


def _comment(rng: random.Random, q: float) -> str:
    if q > 0.68:
        pool = POSITIVE
    elif q < 0.45:
        pool = NEGATIVE
    else:
        pool = NEUTRAL
    return rng.choice(pool)


def generate(*, count: int, days: int, seed: int, now: datetime) -> Iterator[dict]:
    """Yield `count` demo responses as plain dicts (slugs, not ids), spread over `days`."""
    rng = random.Random(seed)
    zone = ZoneInfo(settings.TIME_ZONE)
    today = local_day(now)
    channels = list(CHANNELS)
    weights = [CHANNELS[c][0] for c in channels]
    # More responses on weekdays and in recent weeks (growing usage).
    day_weights = [
        (0.6 if (today - timedelta(days=d)).weekday() >= 5 else 1.0) * (1.3 - d / days / 2)
        for d in range(days)
    ]
    handled_values = [HandledBy.AI, HandledBy.HUMAN, HandledBy.AI_TO_HUMAN, HandledBy.UNKNOWN]
    for index in range(count):
        channel = rng.choices(channels, weights)[0]
        _, base, metrics_asked, departments = CHANNELS[channel]
        days_ago = rng.choices(range(days), day_weights)[0]
        handled_by = rng.choices(handled_values, HANDLING[channel])[0]
        metric = rng.choice(metrics_asked)
        q = _quality(rng, base, handled_by, days_ago)
        day = today - timedelta(days=days_ago)
        moment = datetime.combine(day, time(8), tzinfo=zone) + timedelta(
            seconds=rng.randrange(14 * 3600)
        )
        moment = min(moment, now)
        has_comment = rng.random() < (0.9 if metric == Metric.SENTIMENT else 0.3)
        agent = (
            f"bot-{rng.randrange(3)}"
            if handled_by == HandledBy.AI
            else f"agent-{rng.randrange(40)}"
            if handled_by != HandledBy.UNKNOWN
            else ""
        )
        yield {
            "external_id": f"demo-{seed}-{index}",
            "metric": metric,
            "score": _score(rng, metric, q),
            "channel": channel,
            "department": rng.choice(departments),
            "occurred_at": moment,
            "handled_by": handled_by,
            "agent_ref": agent,
            "customer_id": f"cust-{rng.randrange(count // 3 + 1)}",
            "comment": _comment(rng, q) if has_comment else "",
            "attributes": {
                "segment": rng.choice(["consumer", "consumer", "business"]),
                "region": rng.choice(["north", "south", "east", "west"]),
            },
        }


def seed_demo_responses(
    *,
    count: int = 100_000,
    days: int = 180,
    seed: int = 42,
    batch_size: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Generate and store demo responses for the demo source. Returns how many were stored.

    Re-running with the same seed stores nothing new (same external ids).
    """
    source = Source.objects.get(slug=DEMO_SOURCE_SLUG)
    channel_ids = dict(Channel.objects.values_list("slug", "pk"))
    department_ids = dict(Department.objects.values_list("slug", "pk"))
    stored = 0
    batch: list[ResponseIn] = []

    def flush() -> None:
        nonlocal stored
        stored += record_responses(source=source, items=batch).accepted
        if progress:
            progress(len(batch))
        batch.clear()

    for raw in generate(count=count, days=days, seed=seed, now=timezone.now()):
        batch.append(
            ResponseIn(
                external_id=raw["external_id"],
                metric=raw["metric"],
                score=raw["score"],
                channel_id=channel_ids[raw["channel"]],
                department_id=department_ids[raw["department"]],
                occurred_at=raw["occurred_at"],
                handled_by=raw["handled_by"],
                agent_ref=raw["agent_ref"],
                customer_ref=customer_ref(raw["customer_id"]),
                comment=raw["comment"],
                attributes=raw["attributes"],
            )
        )
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return stored
