"""The demo organisation gains shared goals and plans, some on track and some at risk."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from cxmetrics.models import (
    Goal,
    GoalInvitation,
    GoalSnapshot,
    IncentivePlan,
    InvitationStatus,
    PayoutStatement,
)
from cxmetrics.selectors.goals import alignment
from cxmetrics.selectors.goals_batch import goals_overview
from cxmetrics.services import rollups


def test_seed_demo_goals_on_demo_data(org):
    # given a small demo data set
    call_command("seed_demo", count=4000, no_progress=True, verbosity=0)
    while rollups.refresh_dirty_rollups():
        pass
    # when seeded twice
    call_command("seed_demo_goals", verbosity=0)
    call_command("seed_demo_goals", verbosity=0)
    # then goals, plans, history and a closed statement exist once
    today = timezone.localdate()
    statuses = {p["name"]: p["status"] for p in goals_overview(as_of=today, active=True)}
    assert "on_track" in statuses.values()
    assert "at_risk" in statuses.values()
    assert Goal.objects.count() == len(statuses) + 1  # plus the previous period's goal
    assert IncentivePlan.objects.count() == 5
    # every plan pays a target bonus in euros (support's 6000 now and last period)
    bonuses = sorted(IncentivePlan.objects.values_list("department__slug", "target_bonus"))
    assert [(slug, int(bonus)) for slug, bonus in bonuses] == [
        ("billing", 5000),
        ("product", 8000),
        ("stores", 4000),
        ("support", 6000),
        ("support", 6000),
    ]
    assert set(IncentivePlan.objects.values_list("currency", flat=True)) == {"EUR"}
    # and Billing's lead has an invitation to answer
    pending = GoalInvitation.objects.get(status=InvitationStatus.PENDING)
    assert (pending.department.slug, pending.goal.name.startswith("CSAT of AI")) == (
        "billing",
        True,
    )
    assert PayoutStatement.objects.count() == 1
    assert GoalSnapshot.objects.exists()
    shared = [r for r in alignment(as_of=today)["departments"] if r["shared_pct"] is not None]
    assert len(shared) == 4
