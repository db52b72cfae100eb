"""cxmetrics.services.people: invite people, set their role and the departments they lead,
deactivate and reactivate them; admins only; every change in Django's admin log."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from knox.models import AuthToken

from cxmetrics.roles import led_department_ids, roles_of
from cxmetrics.selectors.people import people, role_of
from cxmetrics.services import issue_token
from cxmetrics.services import people as service
from cxmetrics.services.goals import InvalidInput, NotAllowed
from tests.factories import make_user


@pytest.fixture
def admin(org):
    return make_user("boss", role="admin")


def _log(person: User) -> list[tuple[str, int, str]]:
    """(who, flag, message) of the admin log entries on `person`, oldest first."""
    entries = LogEntry.objects.filter(object_id=str(person.pk), content_type__model="user")
    return [(e.user.username, e.action_flag, e.change_message) for e in entries.order_by("pk")]


def _led(person: User) -> list[str]:
    return sorted(person.led_departments.values_list("slug", flat=True))


def test_inviting_a_team_lead_creates_them_without_a_password_and_logs_it(admin):
    # when the admin invites dana as Product's lead
    dana, link = service.invite_person(
        actor=admin, username="dana", email="dana@example.com", role="team_lead", leads=["product"]
    )

    # then dana is a team lead of Product, who cannot log in before setting a password
    dana = User.objects.get(username="dana")
    assert role_of(dana) == "team_lead" and _led(dana) == ["product"]
    assert dana.email == "dana@example.com" and not dana.has_usable_password()
    assert not dana.is_staff and not dana.is_superuser
    # the link is Django's password-reset page for dana
    assert link.startswith("/accounts/reset/") and link.endswith("/")
    # and the admin log says who did what
    assert _log(dana) == [
        ("boss", ADDITION, "Created as Team lead of Product, without a password yet.")
    ]


def test_the_link_is_emailed_when_the_person_has_an_email(admin):
    invitation = service.invite_person(
        actor=admin,
        username="dana",
        email="dana@example.com",
        role="team_lead",
        leads=["product"],
        site_url="https://cx.example.com/",
    )

    assert invitation.emailed
    (sent,) = mail.outbox
    assert sent.to == ["dana@example.com"]
    assert f"https://cx.example.com{invitation.set_password_path}" in sent.body
    assert "Team lead of Product" in sent.body


def test_no_email_no_mail(admin):
    invitation = service.invite_person(
        actor=admin, username="erin", role="executive", site_url="https://cx.example.com/"
    )
    assert not invitation.emailed and mail.outbox == []


def test_the_link_sets_a_password_once(admin, client):
    # given dana's link
    _, link = service.invite_person(actor=admin, username="dana", role="executive")
    # when dana opens it and chooses a password
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long walk 2 the sea", "new_password2": "a long walk 2 the sea"},
    )
    # then it is set, and the link no longer works
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert User.objects.get(username="dana").check_password("a long walk 2 the sea")
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]


def test_admins_are_staff_and_superusers(admin):
    person = service.create_person(
        actor=admin, username="root2", role="admin", password="correct horse battery"
    )
    assert person.is_staff and person.is_superuser and roles_of(person) == {"admin"}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"username": "boss"},
            {"username": ["There is already a person called 'boss'."]},
        ),
        (
            {"username": "BOSS"},
            {"username": ["There is already a person called 'BOSS'."]},
        ),
        (
            {"username": "two words"},
            {
                "username": [
                    "Enter a valid username. This value may contain only letters, numbers, "
                    "and @/./+/-/_ characters."
                ]
            },
        ),
        ({"email": "dana-at-example"}, {"email": ["Enter a valid email address."]}),
        (
            {"role": "boss"},
            {"role": ["Choose one of the roles: executive, team_lead, integrator, admin."]},
        ),
        (
            {"role": "executive", "leads": ["product"]},
            {
                "leads": [
                    "Only team leads lead departments: choose the role Team lead, or no department."
                ]
            },
        ),
        (
            {"leads": ["product", "marketing", "hr"]},
            {
                "leads": [
                    "Unknown departments: hr, marketing "
                    "(departments: billing, logistics, product, stores, support)."
                ]
            },
        ),
    ],
)
def test_bad_values_are_refused_field_by_field_and_nothing_is_created(admin, changes, errors):
    values = {"username": "dana", "email": "", "role": "team_lead", "leads": []} | changes
    before = User.objects.count()
    with pytest.raises(InvalidInput) as refused:
        service.invite_person(actor=admin, **values)
    assert refused.value.errors == errors
    assert User.objects.count() == before and not LogEntry.objects.exists()


def test_a_given_password_is_checked_by_the_password_rules(admin):
    with pytest.raises(InvalidInput) as refused:
        service.create_person(actor=admin, username="dana", role="executive", password="12345678")
    assert refused.value.errors == {
        "password": ["This password is too common.", "This password is entirely numeric."]
    }


@pytest.mark.parametrize("role", ["team_lead", "executive", "integrator", None])
def test_only_admins_invite(org, role):
    actor = make_user("someone", role=role, leads=["support"] if role == "team_lead" else ())
    with pytest.raises(NotAllowed, match="Only admins"):
        service.invite_person(actor=actor, username="dana", role="admin")
    assert not User.objects.filter(username="dana").exists()


def test_changing_a_lead_to_executive_ends_their_leading(admin, lead):
    # given the Support lead also leads Billing
    service.set_led_departments(actor=admin, person=lead, leads=["support", "billing"])
    # when they become an executive
    service.set_role(actor=admin, person=lead, role="executive")
    # then they lead nothing, and the log says both changes
    lead = User.objects.get(pk=lead.pk)
    assert role_of(lead) == "executive" and _led(lead) == [] and led_department_ids(lead) == set()
    assert _log(lead) == [
        ("boss", CHANGE, "Departments led: now leads Billing."),
        ("boss", CHANGE, "Role: Team lead -> Executive. No longer leads Billing, Support."),
    ]


def test_set_led_departments_logs_what_was_added_and_removed(admin, lead):
    service.set_led_departments(actor=admin, person=lead, leads=["product", "billing"])
    assert _led(lead) == ["billing", "product"]
    assert _log(lead) == [
        ("boss", CHANGE, "Departments led: now leads Billing, Product; no longer leads Support.")
    ]
    # the same departments again: no change, nothing logged
    service.set_led_departments(actor=admin, person=lead, leads=["billing", "product"])
    assert len(_log(lead)) == 1


def test_an_admin_role_given_and_taken(admin, executive):
    service.set_role(actor=admin, person=executive, role="admin")
    executive.refresh_from_db()
    assert executive.is_staff and executive.is_superuser and role_of(executive) == "admin"

    service.set_role(actor=admin, person=executive, role="integrator")
    executive = User.objects.get(pk=executive.pk)
    assert not executive.is_staff and not executive.is_superuser
    assert roles_of(executive) == {"integrator"}  # one role group, the old one removed
    assert [m for _, _, m in _log(executive)] == [
        "Role: Executive -> Admin.",
        "Role: Admin -> Integrator.",
    ]


def test_an_admin_keeps_their_own_admin_role_and_account(admin):
    with pytest.raises(InvalidInput) as demoted:
        service.set_role(actor=admin, person=admin, role="executive")
    with pytest.raises(InvalidInput) as deactivated:
        service.deactivate(actor=admin, person=admin)
    assert demoted.value.errors == {
        "role": ["You cannot take away your own admin role: ask another admin."]
    }
    assert deactivated.value.errors == {
        "active": ["You cannot deactivate yourself: ask another admin."]
    }
    admin.refresh_from_db()
    assert admin.is_active and role_of(User.objects.get(pk=admin.pk)) == "admin"


def test_deactivating_revokes_tokens_and_reactivating_lets_them_in_again(admin, executive):
    issue_token(user=executive)
    issue_token(user=executive)

    service.deactivate(actor=admin, person=executive)
    executive.refresh_from_db()
    assert not executive.is_active and not AuthToken.objects.filter(user=executive).exists()

    service.reactivate(actor=admin, person=executive)
    executive.refresh_from_db()
    assert executive.is_active
    assert [m for who, _, m in _log(executive) if who == "boss"] == [
        "Deactivated; 2 API tokens revoked.",
        "Reactivated.",
    ]


def test_update_person_reports_every_problem_and_changes_nothing(admin):
    with pytest.raises(InvalidInput) as refused:
        service.update_person(
            actor=admin, person=admin, role="executive", leads=["product"], active=False
        )
    assert set(refused.value.errors) == {"role", "leads", "active"}
    admin = User.objects.get(pk=admin.pk)
    assert admin.is_active and role_of(admin) == "admin" and _led(admin) == []


def test_update_person_changes_role_departments_and_active_together(admin, executive):
    service.update_person(
        actor=admin, person=executive, role="team_lead", leads=["stores"], active=False
    )
    executive = User.objects.get(pk=executive.pk)
    assert role_of(executive) == "team_lead" and _led(executive) == ["stores"]
    assert not executive.is_active
    assert [m for _, _, m in _log(executive)] == [
        "Role: Executive -> Team lead.",
        "Departments led: now leads Stores.",
        "Deactivated.",
    ]


def test_the_people_list_in_three_queries(admin, lead, executive, django_assert_num_queries):
    for n in range(5):
        make_user(f"extra{n}", role="team_lead", leads=["billing", "stores"])
    with django_assert_num_queries(3):
        rows = people()
    by_name = {row.username: row for row in rows}
    assert [row.username for row in rows] == sorted(by_name)
    assert by_name["lead"].summary == "Team lead of Support"
    assert by_name["extra0"].departments == ("Billing", "Stores")
    assert by_name["boss"].role_label == "Admin" and by_name["exec"].role_label == "Executive"
