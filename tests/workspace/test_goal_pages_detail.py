"""/goals/<id>: the goal in words, its progress now, participants, plans and history."""

from __future__ import annotations

import pytest

from cxmetrics.models import Channel
from cxmetrics.services import goals as goal_services
from tests.workspace.conftest import logged_in, make_goal, make_plan, nps_30
from tests.workspace.test_goal_pages_list import text

pytestmark = pytest.mark.django_db


def test_the_goal_in_words_with_its_id(client, lead, shared_goal):
    page = text(logged_in(client, lead).get(f"/goals/{shared_goal.pk}"))
    assert f"Goal id {shared_goal.pk}" in page
    assert "Metric NPS" in page
    assert "Baseline 20.0 Target 40.0 Stretch none" in page
    assert "Channels all" in page and "Handled by all" in page
    assert "Minimum responses 30" in page and "Owner lead" in page


def test_the_scope_is_named(client, admin):
    goal = make_goal(
        actor=admin,
        stretch=45.0,
        scope_channels=list(Channel.objects.filter(slug__in=["chat", "web"])),
        scope_handled_by=["ai"],
    )
    page = text(logged_in(client, admin).get(f"/goals/{goal.pk}"))
    names = sorted(Channel.objects.filter(slug__in=["chat", "web"]).values_list("name", flat=True))
    assert f"Channels {', '.join(names)}" in page
    assert "Handled by AI" in page
    assert "Stretch 45.0" in page


def test_progress_now_worked_example(client, lead, shared_goal):
    # given NPS 30 on 100 answers, half way through a goal from 20 to 40
    nps_30()
    page = text(logged_in(client, lead).get(f"/goals/{shared_goal.pk}"))
    assert "Measured 30.0 (n = 100, 95% interval 14.7 to 45.3)" in page
    assert "Expected on the straight line 30.0" in page
    assert "Status On track" in page
    assert "Progress 50% of the way from baseline to target" in page


def test_below_the_line_but_within_reach_is_at_risk(client, lead):
    # given a goal from 20 to 60, half way: expected 40 > 30 measured, upper bound 45.3 >= 40
    goal = make_goal(actor=lead, target=60.0)
    nps_30()
    page = text(logged_in(client, lead).get(f"/goals/{goal.pk}"))
    assert "Expected on the straight line 40.0" in page
    assert "Status At risk" in page
    assert "Progress 25% of the way" in page


def test_participants_taking_part_invited_and_declined_with_who_and_when(
    client, admin, lead, product_lead, billing_lead
):
    # given Support takes part, Product accepted, Billing declined
    goal = make_goal(actor=lead, departments=["support", "product", "billing"])
    invitations = {i.department.slug: i for i in goal.invitations.select_related("department")}
    goal_services.accept_invitation(invitation=invitations["product"], actor=product_lead)
    goal_services.decline_invitation(invitation=invitations["billing"], actor=billing_lead)
    # when
    response = logged_in(client, lead).get(f"/goals/{goal.pk}")
    page = text(response)
    # then
    assert "Taking part Product accepted by product_lead on" in page
    assert "Support Invited, waiting for an answer none" in page
    assert "Declined Billing declined by billing_lead on" in page


def test_a_pending_invitation_is_listed_as_waiting(client, lead, shared_goal):
    page = text(logged_in(client, lead).get(f"/goals/{shared_goal.pk}"))
    assert "Invited, waiting for an answer Product invited by lead on" in page


def test_plans_paying_on_the_goal_link_to_them(client, lead, shared_goal):
    plan = make_plan(actor=lead, goal=shared_goal)
    response = logged_in(client, lead).get(f"/goals/{shared_goal.pk}")
    assert f'href="/plans/{plan.pk}"' in response.content.decode()
    assert "Support plan Support" in text(response)
    assert "100% 25.0 / 40.0 / 45.0" in text(response)


def test_the_owner_sees_edit_and_archive(client, lead, shared_goal):
    html = logged_in(client, lead).get(f"/goals/{shared_goal.pk}").content.decode()
    assert f'href="/goals/{shared_goal.pk}/edit"' in html
    assert f'action="/goals/{shared_goal.pk}/archive"' in html


def test_an_archived_goal_offers_restore(client, lead, shared_goal):
    goal_services.archive_goal(goal=shared_goal, actor=lead)
    html = logged_in(client, lead).get(f"/goals/{shared_goal.pk}").content.decode()
    assert f'action="/goals/{shared_goal.pk}/restore"' in html
    assert "/archive" not in html


@pytest.mark.parametrize("who", ["product_lead", "billing_lead", "executive"])
def test_others_read_the_goal_without_edit_or_archive(client, request, shared_goal, who):
    html = logged_in(client, request.getfixturevalue(who)).get(f"/goals/{shared_goal.pk}")
    html = html.content.decode()
    assert "NPS to 40 this month" in html
    assert "/edit" not in html and "/archive" not in html


def test_an_admin_may_edit_and_archive_any_goal(client, admin, shared_goal):
    html = logged_in(client, admin).get(f"/goals/{shared_goal.pk}").content.decode()
    assert f"/goals/{shared_goal.pk}/edit" in html and f"/goals/{shared_goal.pk}/archive" in html


def test_an_unknown_goal_is_404(client, lead):
    assert logged_in(client, lead).get("/goals/999999").status_code == 404


# --- History of changes ------------------------------------------------------------------


def history(client, goal) -> str:
    page = text(client.get(f"/goals/{goal.pk}"))
    return page.split("History of changes", 1)[1]


def test_history_says_who_changed_what_in_words_newest_first(client, lead, shared_goal):
    goal_services.update_goal(goal=shared_goal, actor=lead, target=45.0, min_n=50)
    goal_services.archive_goal(goal=shared_goal, actor=lead)
    goal_services.archive_goal(goal=shared_goal, actor=lead, archived=False)
    told = history(logged_in(client, lead), shared_goal)
    restored = told.index("lead restored the goal")
    archived = told.index("lead archived the goal")
    changed = told.index("changed Target from 40.0 to 45.0")
    invited = told.index("lead invited Product to take part")
    created = told.index("lead created the goal")
    assert restored < archived < changed < created
    assert invited < created  # sent with the creation, after it
    assert "changed Minimum responses from 30 to 50" in told


def test_history_includes_invitations_answered(client, lead, product_lead, shared_goal):
    goal_services.accept_invitation(invitation=shared_goal.invitations.get(), actor=product_lead)
    told = history(logged_in(client, lead), shared_goal)
    assert "product_lead accepted the invitation for Product" in told
    assert "product_lead changed Departments taking part from Support to Product, Support" in told


def test_history_of_a_decline(client, lead, product_lead, shared_goal):
    goal_services.decline_invitation(invitation=shared_goal.invitations.get(), actor=product_lead)
    told = history(logged_in(client, lead), shared_goal)
    assert "product_lead declined the invitation for Product" in told


def test_history_of_scope_changes_says_all_when_empty(client, lead, shared_goal):
    web = Channel.objects.get(slug="web")
    goal_services.update_goal(goal=shared_goal, actor=lead, scope_channels=[web])
    told = history(logged_in(client, lead), shared_goal)
    assert f"changed Channels from all to {web.name}" in told


def edit_target(goal, lead, times: int) -> None:
    for number in range(times):
        goal_services.update_goal(goal=goal, actor=lead, target=41.0 + number)


def test_the_latest_20_changes_are_listed_with_a_link_to_all(client, lead, shared_goal):
    # given the goal's creation, Product's invitation and 24 edits of its target: 26 changes
    edit_target(shared_goal, lead, 24)
    # when the page is read
    html = logged_in(client, lead).get(f"/goals/{shared_goal.pk}").content.decode()
    told = history(client, shared_goal)
    # then the 20 latest edits, and a plain link to all 26
    assert told.count("changed Target from") == 20
    assert "changed Target from 63.0 to 64.0" in told
    assert "changed Target from 44.0 to 45.0" in told
    assert "changed Target from 43.0 to 44.0" not in told
    assert "created the goal" not in told
    assert '<a href="?changes=all">Show all 26 changes</a>' in html


def test_all_changes_on_asking(client, lead, shared_goal):
    # given 26 changes
    edit_target(shared_goal, lead, 24)
    # when all are asked for
    page = logged_in(client, lead).get(f"/goals/{shared_goal.pk}?changes=all")
    told = text(page).split("History of changes", 1)[1]
    # then every one, without the link
    assert told.count("changed Target from") == 24
    assert "lead invited Product to take part" in told and "lead created the goal" in told
    assert "Show all" not in told


def test_twenty_changes_or_fewer_have_no_link(client, lead, shared_goal):
    edit_target(shared_goal, lead, 18)  # 20 changes with the creation and the invitation
    told = history(logged_in(client, lead), shared_goal)
    assert "lead created the goal" in told and "Show all" not in told


def test_not_enough_data_says_how_many_responses_are_missing(client, lead):
    goal = make_goal(actor=lead, min_n=150)
    nps_30()  # 100 answers
    page = text(logged_in(client, lead).get(f"/goals/{goal.pk}"))
    assert "Status Not enough data (100 of the 150 responses needed)" in page


def test_an_invitation_is_recorded_once_with_who_invited(lead, shared_goal):
    from cxmetrics.models import GoalInvitation

    rows = GoalInvitation.history.filter(goal_id=shared_goal.pk)
    assert [(row.history_type, row.history_user) for row in rows] == [("+", lead)]


# --- Query count: nothing per plan or participant ----------------------------------------


def _detail_queries(client, user, goal) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(f"/goals/{goal.pk}")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/goals/{goal.pk}").status_code == 200
    return len(captured)


# The goal page as its owner reads it: the session, user and role (3); the goal and its three
# relations, its invitations (5); the history (audit_log: count, the latest rows, the rows
# before them, their three relations, the users, departments and channels named; the
# invitations' history: 10); the progress (1), the plans paying on it (1), the departments
# the reader leads (1); department and channel names for the history in words (2).
GOAL_PAGE = 23


@pytest.mark.parametrize("edits", [1, 20])
def test_one_edit_or_twenty_cost_the_same_queries(
    client, lead, shared_goal, django_assert_num_queries, edits
):
    # given the goal edited once, or 20 times (it lists the latest 20 changes)
    edit_target(shared_goal, lead, edits)
    client = logged_in(client, lead)
    # when / then
    with django_assert_num_queries(GOAL_PAGE):
        assert client.get(f"/goals/{shared_goal.pk}").status_code == 200


def test_more_plans_and_participants_cost_no_more_queries(client, admin):
    # given a goal of one department with one plan, and one of three departments with three
    client = logged_in(client, admin)
    small = make_goal(actor=admin, name="Small", departments=["support"])
    make_plan(actor=admin, goal=small)
    large = make_goal(actor=admin, name="Large", departments=["support", "product", "billing"])
    for slug in ("support", "product", "billing"):
        make_plan(actor=admin, goal=large, department=slug)
    # then both pages cost the same (each goal has one history row: its creation)
    assert _detail_queries(client, admin, small) == _detail_queries(client, admin, large)


def test_an_invited_lead_may_answer_on_the_goal_page(client, product_lead, shared_goal):
    invitation = shared_goal.invitations.get()
    html = logged_in(client, product_lead).get(f"/goals/{shared_goal.pk}").content.decode()
    assert f'action="/goals/invitations/{invitation.pk}/accept"' in html
    assert f'action="/goals/invitations/{invitation.pk}/decline"' in html


@pytest.mark.parametrize("who", ["lead", "billing_lead", "executive"])
def test_others_are_not_offered_to_answer_for_product(client, request, shared_goal, who):
    html = logged_in(client, request.getfixturevalue(who)).get(f"/goals/{shared_goal.pk}")
    assert "/accept" not in html.content.decode()
