"""Demo shared goals and incentive plans for the demo organisation.

The demo responses are generated relative to "now", so the demo goals are too: the current
period is the 13 weeks from 8 weeks ago to 5 weeks ahead, the previous period the 13 weeks
before it. Baselines are the previous period's measured values; targets are set from the
current measurement so that, whatever the demo size (20k or 100k responses), some goals are on
track, one at risk and one off track. Idempotent: nothing is created when demo goals exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.models import Channel, Department, Goal, Role
from cxmetrics.selectors.summary import SummaryFilters, metric_summary
from cxmetrics.services.goals import (
    METRIC_RANGES,
    ComponentIn,
    close_period,
    create_goal,
    create_plan,
    invite,
    snapshot_goals,
)

DEMO_MARK = "[demo]"
WEEKS_DONE, WEEKS_LEFT = 8, 5


@dataclass(frozen=True)
class DemoGoal:
    key: str
    name: str
    metric: str
    departments: tuple[str, ...]
    want: str  # on_track, at_risk or off_track on the day it is seeded
    channels: tuple[str, ...] = ()
    scope_departments: tuple[str, ...] = ()
    handled_by: tuple[str, ...] = ()


GOALS = (
    DemoGoal(
        "nps", "Lift NPS across all channels", "nps", ("support", "product", "stores"), "at_risk"
    ),
    DemoGoal(
        "chat", "CSAT on chat", "csat", ("support", "billing"), "on_track", channels=("chat",)
    ),
    DemoGoal(
        "ces",
        "Effortless billing and support (CES)",
        "ces",
        ("billing", "support"),
        "on_track",
        scope_departments=("billing", "support"),
    ),
    DemoGoal("stores", "Store NPS", "nps", ("stores",), "on_track", scope_departments=("stores",)),
    DemoGoal(
        "ai_chat",
        "CSAT of AI-handled chat",
        "csat",
        ("support", "product"),
        "off_track",
        channels=("chat",),
        handled_by=("ai",),
    ),
)
# department: [(goal key, weight)]
PLANS = {
    "support": [("nps", 60), ("chat", 40)],
    "product": [("nps", 70), ("ai_chat", 30)],
    "stores": [("nps", 50), ("stores", 50)],
    "billing": [("ces", 60), ("chat", 40)],
}
# department: target bonus of its plans (paid at 100%), in DEMO_CURRENCY
BONUS = {"support": 6000, "product": 8000, "stores": 4000, "billing": 5000}
DEMO_CURRENCY = "EUR"
# An invitation left for Billing's lead to answer in /goals/: (goal key, department)
PENDING_INVITATION = ("ai_chat", "billing")


def _lead() -> User:
    lead, created = User.objects.get_or_create(username="lead")
    if created:
        lead.set_unusable_password()  # demo_setup gives the demo users their passwords
        lead.save()
    lead.groups.add(Group.objects.get_or_create(name=Role.TEAM_LEAD)[0])
    Department.objects.get(slug="support").leads.add(lead)
    return lead


def _measure(goal: DemoGoal, start: date, end: date) -> dict | None:
    filters = SummaryFilters(
        start=start,
        end=end,
        channels=goal.channels,
        departments=goal.scope_departments,
        handled_by=goal.handled_by,
    )
    groups = metric_summary(metric=goal.metric, filters=filters)
    return groups[0] if groups else None


def _round(metric: str, value: float) -> float:
    return round(value, 2) if metric in ("ces", "sentiment") else float(round(value))


def _targets(goal: DemoGoal, now: dict, before: dict | None, share: float) -> tuple[float, ...]:
    """(baseline, target, stretch) putting `goal` in its wanted status today."""
    value, (low, high) = now["score"], now["ci95"]
    baseline = _round(goal.metric, before["score"] if before else value)
    expected = {
        "on_track": value - 0.5 * (value - low),
        "at_risk": value + 0.5 * (high - value),
        "off_track": high + (high - value),
    }[goal.want]
    target = baseline + (expected - baseline) / share
    lo, hi = METRIC_RANGES[goal.metric]
    target = _round(goal.metric, min(hi, max(lo, target)))
    step = abs(target - baseline) or (0.1 if goal.metric == "ces" else 5.0)
    stretch = _round(goal.metric, min(hi, target + step))
    return baseline, target, stretch


def seed_demo_goals(*, today: date | None = None) -> dict[str, int]:
    """Create the demo goals, plans, a closed previous-period plan and snapshot history."""
    if Goal.objects.filter(description__startswith=DEMO_MARK).exists():
        return {"goals": 0, "plans": 0, "snapshots": 0}
    today = today or local_day(timezone.now())
    start = today - timedelta(weeks=WEEKS_DONE)
    end = today + timedelta(weeks=WEEKS_LEFT)
    previous_start, previous_end = start - (end - start) - timedelta(days=1), start - timedelta(1)
    share = (today - start).days / (end - start).days
    # Seeding is not a person acting: `lead` is recorded as the author of the demo goals and
    # plans of every department (trusted=True skips the role checks of services.goals.access).
    lead = _lead()
    departments = {d.slug: d for d in Department.objects.all()}
    channels = {c.slug: c for c in Channel.objects.all()}
    created: dict[str, Goal] = {}
    curves: dict[str, tuple[float, float, float]] = {}
    with transaction.atomic():
        for spec in GOALS:
            now = _measure(spec, start, today)
            if now is None or now["ci95"][0] is None:
                continue
            baseline, target, stretch = _targets(
                spec, now, _measure(spec, previous_start, previous_end), share
            )
            created[spec.key] = create_goal(
                actor=lead,
                trusted=True,
                name=f"{spec.name} to {target:g} by {end:%d %b %Y}",
                description=f"{DEMO_MARK} Demo goal: baseline is last period's value.",
                metric=spec.metric,
                baseline=baseline,
                target=target,
                stretch=stretch,
                start=start,
                end=end,
                departments=[departments[s] for s in spec.departments],
                scope_channels=[channels[s] for s in spec.channels],
                scope_departments=[departments[s] for s in spec.scope_departments],
                scope_handled_by=spec.handled_by,
            )
            # Payout starts one step below the lower of baseline and target, so a plan pays
            # something on a lower 95% bound a little under the baseline.
            lo, _ = METRIC_RANGES[spec.metric]
            step = max(stretch - target, 0.05 if spec.metric in ("ces", "sentiment") else 1.0)
            curves[spec.key] = (max(lo, min(baseline, target) - step), target, stretch)
        plans = 0
        for slug, parts in PLANS.items():
            if not all(key in created for key, _ in parts):
                continue
            create_plan(
                actor=lead,
                trusted=True,
                name=f"{departments[slug].name} incentive {start:%b}-{end:%b %Y}",
                department=departments[slug],
                period_start=start,
                period_end=end,
                target_bonus=Decimal(BONUS[slug]),
                currency=DEMO_CURRENCY,
                components=[
                    ComponentIn(
                        goal=created[key],
                        weight=weight,
                        threshold=curves[key][0],
                        target=curves[key][1],
                        stretch=curves[key][2],
                    )
                    for key, weight in parts
                ],
            )
            plans += 1
        key, invited = PENDING_INVITATION
        if key in created:
            invite(goal=created[key], departments=[departments[invited]], actor=lead)
        plans += _closed_previous_plan(lead, departments, previous_start, previous_end)
    snapshots = snapshot_goals(as_of=previous_start, until=today - timedelta(days=1))
    return {"goals": Goal.objects.count(), "plans": plans, "snapshots": snapshots}


def _closed_previous_plan(
    lead: User, departments: dict[str, Department], start: date, end: date
) -> int:
    """Support's previous-period plan, closed, so a frozen statement is there to see."""
    spec = GOALS[0]
    now = _measure(spec, start, end)
    if now is None:
        return 0
    target = _round(spec.metric, now["score"] + 3)
    goal = create_goal(
        actor=lead,
        trusted=True,
        name=f"{spec.name} to {target:g} by {end:%d %b %Y}",
        description=f"{DEMO_MARK} Demo goal of the previous period.",
        metric=spec.metric,
        baseline=target - 6,
        target=target,
        stretch=target + 6,
        start=start,
        end=end,
        departments=[departments[s] for s in spec.departments],
    )
    plan = create_plan(
        actor=lead,
        trusted=True,
        name=f"Support incentive {start:%b}-{end:%b %Y}",
        department=departments["support"],
        period_start=start,
        period_end=end,
        target_bonus=Decimal(BONUS["support"]),
        currency=DEMO_CURRENCY,
        components=[
            ComponentIn(
                goal=goal, weight=100, threshold=target - 6, target=target, stretch=target + 6
            )
        ],
    )
    close_period(plan=plan, actor=lead, trusted=True)
    return 1
