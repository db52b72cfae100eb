"""Agreed participation (cxmetrics.services.goals.participation): departments the author does
not lead are invited, and take part only once one of their leads (or an admin) accepts.

`lead` leads Support, `other_lead` leads Billing, `product_lead` (lead_of) leads Product."""

from __future__ import annotations

import pytest

from cxmetrics.models import Department, Goal, GoalInvitation
from cxmetrics.selectors.dashboards.incentives import incentives_board
from cxmetrics.services import goals as goal_services
from cxmetrics.services.goals import NotAllowed, StateConflict
from tests.goals.conftest import (
    END,
    MID,
    START,
    accept,
    invite,
    lead_of,
    make_goal,
    make_plan,
    take_part,
)

CURVE = (20.0, 40.0, 60.0)


def _departments(goal: Goal) -> list[str]:
    return sorted(Goal.objects.get(pk=goal.pk).departments.values_list("slug", flat=True))


def _invitations(goal: Goal) -> dict[str, tuple[str, str]]:
    """{department: (status, invited_by)} of the goal's invitations."""
    rows = GoalInvitation.objects.filter(goal=goal).values_list(
        "department__slug", "status", "invited_by__username"
    )
    return {slug: (status, by) for slug, status, by in rows}


def _create(actor, *slugs: str) -> Goal:
    return goal_services.create_goal(
        actor=actor,
        name="NPS >= 45 across all channels",
        metric="nps",
        baseline=30,
        target=45,
        start=START,
        end=END,
        departments=list(Department.objects.filter(slug__in=slugs)),
    )


# --- Invited on create and update ------------------------------------------------------------


def test_a_lead_creating_a_goal_with_a_department_they_do_not_lead_invites_it(lead):
    # when the Support lead creates a goal for Support and Product
    goal = _create(lead, "support", "product")
    # then Support takes part, Product is invited by the Support lead
    assert _departments(goal) == ["support"]
    assert _invitations(goal) == {"product": ("pending", "lead")}


def test_an_admin_commits_every_department_at_once(admin_user):
    # when an admin creates the same goal
    goal = _create(admin_user, "support", "product")
    # then both take part, nobody is asked
    assert _departments(goal) == ["product", "support"]
    assert _invitations(goal) == {}


def test_adding_a_department_later_invites_it_and_withdraws_it_when_removed_again(lead):
    # given Support's goal
    goal = _create(lead, "support")
    support, product, billing = (
        Department.objects.get(slug=s) for s in ("support", "product", "billing")
    )
    # when its lead adds Product and Billing, then drops Billing before it answered
    goal_services.update_goal(goal=goal, actor=lead, departments=[support, product, billing])
    asked = _invitations(goal)
    goal_services.update_goal(goal=goal, actor=lead, departments=[support, product])
    # then both were invited, Billing's pending invitation is withdrawn, Product's kept
    assert asked == {"product": ("pending", "lead"), "billing": ("pending", "lead")}
    assert _invitations(goal) == {"product": ("pending", "lead")}
    assert _departments(goal) == ["support"]


def test_an_edit_that_does_not_name_the_departments_keeps_the_invitations(lead):
    # given Support's goal with Product invited
    goal = _create(lead, "support", "product")
    # when its target changes
    goal_services.update_goal(goal=goal, actor=lead, target=50)
    # then Product is still invited
    assert _invitations(goal) == {"product": ("pending", "lead")}


# --- Answering ---------------------------------------------------------------------------------


def test_a_lead_of_the_invited_department_accepts_and_it_takes_part(lead):
    # given Support's goal with Product invited
    goal = _create(lead, "support", "product")
    product_lead = lead_of("product")
    # when Product's lead accepts
    goal_services.accept_invitation(invitation=goal.invitations.get(), actor=product_lead)
    # then Product takes part, and the invitation records who answered
    assert _departments(goal) == ["product", "support"]
    invitation = goal.invitations.get()
    assert (invitation.status, invitation.answered_by) == ("accepted", product_lead)
    assert invitation.answered_at is not None


def test_an_admin_may_accept_for_the_department(lead, admin_user):
    goal = _create(lead, "support", "product")
    goal_services.accept_invitation(invitation=goal.invitations.get(), actor=admin_user)
    assert _departments(goal) == ["product", "support"]


@pytest.mark.parametrize("who", ["owner", "other_lead", "executive", "integrator"])
def test_nobody_else_answers_an_invitation(lead, other_lead, executive, integrator, who):
    # given Support's goal with Product invited
    goal = _create(lead, "support", "product")
    actor = {"owner": lead, "other_lead": other_lead, "executive": executive}.get(who, integrator)
    invitation = goal.invitations.get()
    # when / then neither the goal's owner nor a lead of another department may answer
    for answer in (goal_services.accept_invitation, goal_services.decline_invitation):
        with pytest.raises(NotAllowed) as refused:
            answer(invitation=invitation, actor=actor)
        assert str(refused.value) == (
            "Only a team lead of Product or an admin answers this invitation."
        )
    assert _invitations(goal) == {"product": ("pending", "lead")}
    assert _departments(goal) == ["support"]


def test_accepting_twice_is_a_conflict(lead):
    goal = _create(lead, "support", "product")
    accept(goal, "product")
    with pytest.raises(StateConflict, match=r"^Product has already accepted this goal\.$"):
        accept(goal, "product")


def test_an_archived_goal_takes_no_answers_until_it_is_restored(lead):
    # given an invitation to Product, then the goal archived
    goal = _create(lead, "support", "product")
    goal_services.archive_goal(goal=goal, actor=lead, archived=True)
    # when Product's lead accepts, then it is a conflict and Product does not take part
    with pytest.raises(StateConflict, match=r"^This goal is archived; it takes no answers"):
        accept(goal, "product")
    assert _departments(goal) == ["support"]
    # once restored, the same invitation is answered
    goal_services.archive_goal(goal=Goal.objects.get(pk=goal.pk), actor=lead, archived=False)
    accept(goal, "product")
    assert _departments(goal) == ["product", "support"]


def test_a_declined_invitation_stays_as_the_answer_and_may_be_asked_again(lead):
    # given Support's goal with Product invited, and Product's lead declines
    goal = _create(lead, "support", "product")
    product_lead = lead_of("product")
    goal_services.decline_invitation(invitation=goal.invitations.get(), actor=product_lead)
    declined = _invitations(goal)
    # when Support's lead asks again (the departments wanted name Product again)
    support, product = (Department.objects.get(slug=s) for s in ("support", "product"))
    goal_services.update_goal(goal=goal, actor=lead, departments=[support])
    kept = _invitations(goal)
    goal_services.update_goal(goal=goal, actor=lead, departments=[support, product])
    # then the answer is kept while Product is not wanted, and asking again makes it pending
    assert declined == {"product": ("declined", "lead")}
    assert kept == declined
    invitation = goal.invitations.get()
    assert (invitation.status, invitation.answered_by, invitation.answered_at) == (
        "pending",
        None,
        None,
    )
    assert _departments(goal) == ["support"]


def test_a_department_that_accepted_may_leave_unless_its_plan_pays_on_the_goal(lead):
    # given Support's goal that Product and Stores accepted, and Product's plan paying on it
    goal = _create(lead, "support")
    take_part(goal, "product", "stores")
    make_plan(actor=lead, department="product", components=[(goal, 100, CURVE)])
    # when Product's lead and Stores' lead decline after all
    with pytest.raises(StateConflict) as refused:
        goal_services.decline_invitation(
            invitation=goal.invitations.get(department__slug="product"), actor=lead_of("product")
        )
    goal_services.decline_invitation(
        invitation=goal.invitations.get(department__slug="stores"), actor=lead_of("stores")
    )
    # then Product must stay (its plan pays on the goal), Stores has left
    assert str(refused.value) == "Product's plan pays on this goal; remove that component first."
    assert _departments(goal) == ["product", "support"]
    assert _invitations(goal)["stores"] == ("declined", "lead")
    # and the goal's owner cannot drop Product either
    support = Department.objects.get(slug="support")
    with pytest.raises(goal_services.InvalidInput) as invalid:
        goal_services.update_goal(goal=goal, actor=lead, departments=[support])
    assert invalid.value.errors == {
        "departments": ["Product's plan pays on this goal; Product must stay."]
    }


def test_the_only_department_taking_part_cannot_leave(lead, admin_user):
    # given Support's goal that Product accepted, and Support then left it (an admin's edit)
    goal = _create(lead, "support", "product")
    accept(goal, "product")
    product = Department.objects.get(slug="product")
    goal_services.update_goal(goal=goal, actor=admin_user, departments=[product])
    # when Product's lead declines after all
    with pytest.raises(StateConflict) as refused:
        goal_services.decline_invitation(
            invitation=goal.invitations.get(), actor=lead_of("product")
        )
    # then a goal keeps at least one department taking part
    assert str(refused.value) == "Product is the only department taking part; it cannot leave."
    assert _departments(goal) == ["product"]


def test_an_admin_adding_an_invited_department_accepts_its_invitation(lead, admin_user):
    # given Support's goal with Product invited
    goal = _create(lead, "support", "product")
    departments = list(Department.objects.filter(slug__in=["support", "product"]))
    # when an admin saves the goal with Product among the departments
    goal_services.update_goal(goal=goal, actor=admin_user, departments=departments)
    # then Product takes part, its invitation answered by the admin
    assert _departments(goal) == ["product", "support"]
    invitation = goal.invitations.get()
    assert (invitation.status, invitation.answered_by) == ("accepted", admin_user)


# --- Only accepted participation counts ------------------------------------------------------


def test_a_plan_pays_only_on_goals_its_department_has_accepted(lead):
    # given Support's goal with Product invited
    goal = make_goal(actor=lead, departments=["support"])
    invite(goal, "product", actor=lead)
    product_lead = lead_of("product")
    # when Product's lead makes a plan paying on it, before and after accepting
    with pytest.raises(goal_services.InvalidInput) as invalid:
        make_plan(actor=product_lead, department="product", components=[(goal, 100, CURVE)])
    accept(goal, "product")
    plan = make_plan(actor=product_lead, department="product", components=[(goal, 100, CURVE)])
    # then
    assert invalid.value.errors == {
        "components": {
            0: {
                "goal": [
                    "Product does not take part in this goal: a plan pays only on goals its "
                    "department has accepted."
                ]
            }
        }
    }
    assert plan.components.get().goal == goal


def test_the_incentives_board_counts_accepted_participation_only(lead):
    # given Support's goal paid by Support's plan, Product invited (no answer yet)
    goal = make_goal(actor=lead, departments=["support"])
    invite(goal, "product", actor=lead)
    make_plan(actor=lead, components=[(goal, 100, CURVE)])
    # when the board is read before and after Product accepts
    before = incentives_board(as_of=MID)
    accept(goal, "product")
    after = incentives_board(as_of=MID)

    # then the goal is shared (and Support's whole weight aligned) only once accepted
    def support(board):
        return next(r for r in board["alignment"]["departments"] if r["department"] == "support")

    def component(board):
        return board["plans"][0]["components"][0]["shared"]

    assert (support(before)["shared_pct"], component(before)) == (0.0, False)
    assert (support(after)["shared_pct"], component(after)) == (100.0, True)
    cells = {r["department"]: r["cells"] for r in after["alignment"]["matrix"]}
    assert cells["product"][str(goal.pk)] == {"weight_pct": None, "participant": True}


# --- Every answer is audited -----------------------------------------------------------------


def test_invitations_and_answers_are_history_rows_with_their_actor(lead):
    # given Support's goal with Product and Billing invited
    goal = _create(lead, "support", "product", "billing")
    # when Product accepts and Billing declines
    accept(goal, "product")
    goal_services.decline_invitation(
        invitation=goal.invitations.get(department__slug="billing"), actor=lead_of("billing")
    )
    # then each write is one history row, with who did it
    rows = GoalInvitation.history.order_by("history_id").values_list(
        "department__slug", "history_type", "status", "history_user__username"
    )
    created, answers = rows[:2], rows[2:]
    assert sorted(created) == [
        ("billing", "+", "pending", "lead"),
        ("product", "+", "pending", "lead"),
    ]
    assert list(answers) == [
        ("product", "~", "accepted", "product_lead"),
        ("billing", "~", "declined", "billing_lead"),
    ]
    # and Product taking part is a change of the goal by Product's lead
    last = goal.history.order_by("history_id").last()
    assert last.history_user.username == "product_lead"
    assert sorted(d.department.slug for d in last.departments.all()) == ["product", "support"]
