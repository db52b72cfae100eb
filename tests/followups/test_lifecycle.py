"""The lifecycle of a follow-up: statuses, outcome and root cause, contact and close times,
assignee, reopening, overdue, and the audit of every change with its actor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cxmetrics.models import Department, FollowUp, RootCause
from cxmetrics.selectors.followups import with_overdue
from cxmetrics.services.followups import InvalidInput, NotAllowed, update_followup
from tests.factories import make_user
from tests.followups.conftest import NOW, opened

pytestmark = pytest.mark.django_db

LATER = NOW + timedelta(hours=5)


def cause(name: str = "Billing error") -> RootCause:
    return RootCause.objects.get(name=name)


def test_open_in_progress_contacted_closed_with_times_and_audit(org, no_publish, lead):
    # given an open follow-up of Support
    followup = opened()
    # when Support's lead takes it, contacts the customer, then closes it resolved
    update_followup(followup=followup, actor=lead, changes={"status": "in_progress"}, now=NOW)
    update_followup(followup=followup, actor=lead, changes={"status": "contacted"}, now=LATER)
    update_followup(
        followup=followup,
        actor=lead,
        changes={"status": "closed", "outcome": "resolved", "root_cause": cause()},
        now=LATER + timedelta(hours=1),
    )
    # then first contact is the contact time, closed_at the close time
    followup.refresh_from_db()
    assert followup.status == "closed" and followup.outcome == "resolved"
    assert followup.first_contact_at == LATER
    assert followup.closed_at == LATER + timedelta(hours=1)
    assert followup.root_cause.name == "Billing error"
    # and each change is one audit row by the lead, the opening one by nobody
    history = list(followup.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.status, h.history_user) for h in history] == [
        ("+", "open", None),
        ("~", "in_progress", lead),
        ("~", "contacted", lead),
        ("~", "closed", lead),
    ]
    # and the before/after of the last change is readable from the audit
    delta = history[-1].diff_against(history[-2])
    assert {c.field: (c.old, c.new) for c in delta.changes} == {
        "status": ("contacted", "closed"),
        "outcome": ("", "resolved"),
        "root_cause": (None, cause().pk),
        "closed_at": (None, LATER + timedelta(hours=1)),
    }


@pytest.mark.parametrize(
    ("outcome", "contact_set"),
    [("resolved", True), ("not_resolved", True), ("unreachable", False)],
)
def test_closing_straight_from_open_sets_first_contact_if_reached(
    org, no_publish, lead, outcome, contact_set
):
    followup = opened()
    update_followup(
        followup=followup,
        actor=lead,
        changes={"status": "closed", "outcome": outcome, "root_cause": cause()},
        now=LATER,
    )
    followup.refresh_from_db()
    assert followup.closed_at == LATER
    assert (
        (followup.first_contact_at == LATER) if contact_set else followup.first_contact_at is None
    )


def test_closing_needs_an_outcome_and_a_root_cause(org, no_publish, lead):
    followup = opened()
    with pytest.raises(InvalidInput) as raised:
        update_followup(followup=followup, actor=lead, changes={"status": "closed"})
    assert raised.value.errors == {
        "outcome": ["Closing needs an outcome: resolved, not_resolved or unreachable."],
        "root_cause": ["Closing needs a root cause."],
    }
    # and nothing was written
    followup.refresh_from_db()
    assert followup.status == "open" and followup.history.count() == 1


def test_an_outcome_only_on_closing_and_no_way_back_but_reopen(org, no_publish, lead):
    followup = opened()
    update_followup(followup=followup, actor=lead, changes={"status": "contacted"})
    with pytest.raises(InvalidInput) as raised:
        update_followup(
            followup=followup, actor=lead, changes={"status": "in_progress", "outcome": "resolved"}
        )
    assert raised.value.errors == {
        "status": [
            "A follow-up does not go back from contacted to in_progress; only reopening a "
            "closed one."
        ],
        "outcome": ["An outcome is set when closing (status closed)."],
    }


def test_reopen_clears_outcome_and_closed_at_and_keeps_first_contact(org, no_publish, lead):
    followup = opened()
    update_followup(
        followup=followup,
        actor=lead,
        changes={"status": "closed", "outcome": "resolved", "root_cause": cause()},
        now=NOW,
    )
    with pytest.raises(InvalidInput):
        update_followup(followup=followup, actor=lead, changes={"status": "contacted"})
    update_followup(followup=followup, actor=lead, changes={"status": "open"}, now=LATER)
    followup.refresh_from_db()
    assert (followup.status, followup.outcome, followup.closed_at) == ("open", "", None)
    assert followup.first_contact_at == NOW


def test_the_assignee_is_a_lead_of_the_department_or_an_admin(org, no_publish, lead):
    followup = opened()
    billing_lead = make_user("bill", role="team_lead", leads=["billing"])
    admin = make_user("adm", role="admin")
    with pytest.raises(InvalidInput) as raised:
        update_followup(followup=followup, actor=lead, changes={"assignee": billing_lead})
    assert raised.value.errors == {"assignee": ["bill is not a team lead of support nor an admin."]}
    update_followup(followup=followup, actor=lead, changes={"assignee": admin, "note": "Called."})
    update_followup(followup=followup, actor=lead, changes={"assignee": lead})
    followup.refresh_from_db()
    assert followup.assignee == lead and followup.note == "Called."


def test_a_lead_cannot_move_a_follow_up_to_a_department_they_do_not_lead(org, no_publish, lead):
    followup = opened()
    billing = Department.objects.get(slug="billing")
    with pytest.raises(NotAllowed, match="billing is not one of your departments"):
        update_followup(followup=followup, actor=lead, changes={"department": billing})
    # an admin may, and the billing lead then acts on it
    admin = make_user("adm", role="admin")
    update_followup(followup=followup, actor=admin, changes={"department": billing})
    with pytest.raises(NotAllowed, match="this follow-up belongs to billing"):
        update_followup(followup=followup, actor=lead, changes={"note": "mine?"})


def test_an_inactive_root_cause_is_not_offered(org, no_publish, lead):
    followup = opened()
    RootCause.objects.filter(name="Policy").update(active=False)
    with pytest.raises(InvalidInput) as raised:
        update_followup(followup=followup, actor=lead, changes={"root_cause": cause("Policy")})
    assert raised.value.errors == {"root_cause": ["Policy is no longer offered."]}


def test_unknown_fields_are_refused(org, no_publish, lead):
    with pytest.raises(InvalidInput) as raised:
        update_followup(followup=opened(), actor=lead, changes={"due_at": NOW})
    assert raised.value.errors == {"due_at": ["Unknown field."]}


def test_overdue_is_strictly_after_due_and_never_when_closed(org, no_publish, lead):
    # given a follow-up due 48 h after NOW
    followup = opened()
    due = NOW + timedelta(hours=48)
    assert followup.due_at == due

    def overdue_at(moment):
        in_sql = with_overdue(FollowUp.objects.filter(pk=followup.pk), now=moment).get().overdue
        in_filter = FollowUp.objects.overdue(now=moment).filter(pk=followup.pk).exists()
        assert in_sql == in_filter
        return in_sql

    # then at due_at it is not overdue yet, one microsecond later it is
    assert overdue_at(due) is False
    assert overdue_at(due + timedelta(microseconds=1)) is True
    # and once closed it is never overdue
    FollowUp.objects.filter(pk=followup.pk).update(
        status="closed", outcome="resolved", closed_at=due
    )
    assert overdue_at(due + timedelta(days=30)) is False


def test_is_overdue_property_follows_the_clock(org, no_publish):
    from django.utils import timezone

    followup = opened()
    FollowUp.objects.filter(pk=followup.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    followup.refresh_from_db()
    assert followup.is_overdue is True
    FollowUp.objects.filter(pk=followup.pk).update(
        status="closed", outcome="resolved", closed_at=timezone.now()
    )
    followup.refresh_from_db()
    assert followup.is_overdue is False
    FollowUp.objects.filter(pk=followup.pk).update(
        status="open", outcome="", due_at=timezone.now() + timedelta(hours=1)
    )
    followup.refresh_from_db()
    assert followup.is_overdue is False
