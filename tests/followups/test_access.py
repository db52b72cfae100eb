"""Who reads and changes which follow-up and rule (services.followups.access), every role."""

from __future__ import annotations

import pytest

from cxmetrics.api.authentication import IntegratorUser
from cxmetrics.models import ApiKey, Department, FollowUpRule
from cxmetrics.services.followups import (
    InvalidInput,
    NotAllowed,
    StateConflict,
    create_rule,
    delete_rule,
    update_followup,
    update_rule,
    visible_followups,
)
from tests.factories import make_api_key, make_user
from tests.followups.conftest import opened

pytestmark = pytest.mark.django_db


def key_user(source: str) -> IntegratorUser:
    make_api_key(source)
    return IntegratorUser(ApiKey.objects.filter(source__slug=source).latest("pk"))


@pytest.fixture
def two(org, no_publish):
    """A Support follow-up from integrations, a Billing one from zendesk."""
    return opened(department="support"), opened(department="billing", slug="zendesk")


def _identity(name: str):
    return {
        "anonymous": lambda: __import__(
            "django.contrib.auth.models"
        ).contrib.auth.models.AnonymousUser(),
        "integrator": lambda: make_user("integ", role="integrator"),
        "executive": lambda: make_user("boss", role="executive"),
        "lead_support": lambda: make_user("ls", role="team_lead", leads=["support"]),
        "lead_billing": lambda: make_user("lb", role="team_lead", leads=["billing"]),
        "admin": lambda: make_user("root", role="admin"),
        "key_integrations": lambda: key_user("integrations"),
        "key_zendesk": lambda: key_user("zendesk"),
    }[name]()


# identity -> (sees the Support one, sees the Billing one, may change Support's, Billing's)
MATRIX = {
    "anonymous": (False, False, False, False),
    "integrator": (False, False, False, False),
    "executive": (True, True, False, False),
    "lead_support": (True, False, True, False),
    "lead_billing": (False, True, False, True),
    "admin": (True, True, True, True),
    "key_integrations": (True, False, True, False),
    "key_zendesk": (False, True, False, True),
}


@pytest.mark.parametrize("identity", list(MATRIX))
def test_the_follow_up_access_matrix(two, identity):
    support, billing = two
    user = _identity(identity)
    seen = set(visible_followups(user).values_list("pk", flat=True))
    changed = []
    for followup in two:
        try:
            update_followup(followup=followup, actor=user, changes={"note": "seen"})
            changed.append(True)
        except NotAllowed:
            changed.append(False)
    assert (support.pk in seen, billing.pk in seen, *changed) == MATRIX[identity]


def test_an_api_key_change_is_audited_with_its_prefix(two):
    support, _ = two
    user = key_user("integrations")
    update_followup(followup=support, actor=user, changes={"status": "contacted"})
    last = support.history.latest("history_date")
    assert last.history_user is None
    assert last.history_change_reason == f"api-key:{user.api_key.prefix}"


def test_an_api_key_cannot_move_a_follow_up(two):
    support, _ = two
    with pytest.raises(NotAllowed, match="cannot move"):
        update_followup(
            followup=support,
            actor=key_user("integrations"),
            changes={"department": Department.objects.get(slug="billing")},
        )


def _dept(slug: str) -> Department:
    return Department.objects.get(slug=slug)


def test_rules_admins_write_any_leads_only_their_departments(org):
    admin = make_user("root", role="admin")
    lead = make_user("ls", role="team_lead", leads=["support"])
    executive = make_user("boss", role="executive")
    # a lead writes a rule owned by their department, and over it
    mine = create_rule(
        actor=lead,
        name="Support CSAT 1",
        metric="csat",
        score_min=1,
        score_max=1,
        owner_department=_dept("support"),
    )
    assert mine.created_by == lead and mine.history.get().history_user == lead
    # not one over every department, nor one over Billing, nor move theirs to Billing
    with pytest.raises(NotAllowed, match="for admins"):
        create_rule(actor=lead, name="All", metric="nps", score_min=0, score_max=6)
    with pytest.raises(NotAllowed, match="billing is not one of your departments"):
        create_rule(
            actor=lead,
            name="B",
            metric="nps",
            score_min=0,
            score_max=6,
            departments=[_dept("billing")],
        )
    with pytest.raises(NotAllowed, match="billing"):
        update_rule(rule=mine, actor=lead, owner_department=_dept("billing"))
    # nor touch a default rule (every department)
    with pytest.raises(NotAllowed):
        update_rule(rule=FollowUpRule.objects.get(metric="nps"), actor=lead, sla_hours=24)
    with pytest.raises(NotAllowed):
        update_rule(rule=mine, actor=executive, sla_hours=24)
    # an admin does
    update_rule(rule=FollowUpRule.objects.get(metric="nps"), actor=admin, sla_hours=24)
    assert FollowUpRule.objects.get(metric="nps").sla_hours == 24
    delete_rule(rule=mine, actor=lead)


def test_rule_field_errors_all_at_once(org):
    admin = make_user("root", role="admin")
    with pytest.raises(InvalidInput) as raised:
        create_rule(
            actor=admin,
            name="NPS detractors (0-6)",
            metric="nps",
            score_min=5,
            score_max=11,
            handled_by=["robot"],
            sla_hours=0,
            dedupe_days=-1,
            priority="urgent",
        )
    assert raised.value.errors == {
        "name": ["Another follow-up rule has this name."],
        "score_max": ["Must be between 0 and 10 for nps."],
        "handled_by": ["Unknown handled_by value: robot."],
        "priority": ["Must be high, normal or low."],
        "sla_hours": ["Must be a whole number of hours from 1 to 8760."],
        "dedupe_days": ["Must be a whole number of days from 0 to 365."],
    }
    with pytest.raises(InvalidInput) as raised:
        create_rule(actor=admin, name="x", metric="csat", score_min=3, score_max=2)
    assert raised.value.errors == {"score_max": ["Must be at or above score_min."]}


def test_a_rule_that_opened_follow_ups_is_not_deleted(two):
    admin = make_user("root", role="admin")
    with pytest.raises(StateConflict, match="deactivate it instead"):
        delete_rule(rule=FollowUpRule.objects.get(metric="nps"), actor=admin)
