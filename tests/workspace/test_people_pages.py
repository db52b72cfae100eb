"""/people/ and /people/<id>: admins list, invite and change people; everyone else 403."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from cxmetrics.selectors.people import role_of
from tests.factories import make_user

INVITE = {"username": "dana", "email": "", "role": "team_lead", "leads": ["product"]}


@pytest.fixture
def admin(org):
    return make_user("boss", role="admin")


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _link(html: str) -> str:
    """The set-password link shown on the page after an invitation."""
    return re.search(r'id="invite-link" type="text" readonly value="([^"]+)"', html).group(1)


def _state(username: str) -> tuple:
    user = User.objects.get(username=username)
    led = sorted(user.led_departments.values_list("slug", flat=True))
    return role_of(user), led, user.is_active, user.is_staff


# --- who may open them ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/people/", "/people/1"])
def test_anonymous_people_are_sent_to_log_in(db, client, url):
    answer = client.get(url)
    assert answer.status_code == 302
    assert answer["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("who", ["executive", "lead", "integrator"])
def test_only_admins_open_the_people_pages(request, admin, who):
    client = _as(request.getfixturevalue(who))
    for url in ["/people/", f"/people/{admin.pk}"]:
        answer = client.get(url)
        assert answer.status_code == 403
        assert "Only admins may do this." in answer.content.decode()


@pytest.mark.parametrize("who", ["executive", "lead", "integrator"])
def test_a_non_admin_post_changes_nothing(request, admin, executive, who):
    client = _as(request.getfixturevalue(who))
    before = User.objects.count()
    assert client.post("/people/", INVITE).status_code == 403
    assert User.objects.count() == before and not User.objects.filter(username="dana").exists()

    target = executive if who != "executive" else admin
    was = _state(target.username)
    answer = client.post(f"/people/{target.pk}", {"role": "admin", "leads": [], "active": "on"})
    assert answer.status_code == 403
    assert _state(target.username) == was


# --- the list and the invitation -----------------------------------------------------------


def test_the_list_shows_each_person_in_a_fixed_number_of_queries(
    admin, lead, executive, django_assert_max_num_queries
):
    client = _as(admin)
    client.get("/people/")  # session and content types warmed up
    with django_assert_max_num_queries(8):
        few = client.get("/people/")
    for n in range(6):
        make_user(f"extra{n}", role="team_lead", leads=["billing", "stores"])
    with django_assert_max_num_queries(8) as captured:
        many = client.get("/people/")
    assert len(captured.captured_queries) <= 8
    html = many.content.decode()
    assert few.status_code == many.status_code == 200
    # a row: username, email, role, departments led, active, last login
    assert re.search(
        r"<td><a href=\"/people/\d+\">lead</a></td>\s*<td>—</td>\s*<td>Team lead</td>\s*"
        r"<td>Support</td>\s*<td>yes</td>\s*<td>never</td>",
        html,
    )
    assert html.count("<td>Billing, Stores</td>") == 6


def test_the_invite_form_is_labelled(admin):
    html = _as(admin).get("/people/").content.decode()
    for name, label in [("username", "Username"), ("email", "Email"), ("role", "Role")]:
        assert f'<label class="form-label" for="id_{name}">{label}</label>' in html
    assert '<select name="role"' in html
    assert '<legend class="form-label fs-6">Departments led</legend>' in html
    assert 'type="checkbox" name="leads" value="product"' in html
    assert ">Invite</button>" in html and "csrfmiddlewaretoken" in html


def test_inviting_shows_the_link_once_and_emails_it(admin):
    client = _as(admin)
    # when the admin invites dana, lead of Product, with an e-mail
    answer = client.post("/people/", INVITE | {"email": "dana@example.com"})

    # then dana exists as lead of Product without a password
    assert answer.status_code == 200
    assert _state("dana") == ("team_lead", ["product"], True, False)
    assert not User.objects.get(username="dana").has_usable_password()
    # the page shows the link, which was also e-mailed
    html = answer.content.decode()
    link = _link(html)
    assert link.startswith("http://testserver/accounts/reset/")
    assert "dana is invited: Team lead of Product" in html
    assert "it was also e-mailed to dana@example.com" in html
    assert link in mail.outbox[0].body
    assert "no-cache" in answer["Cache-Control"] or "no-store" in answer["Cache-Control"]
    # and only this once
    assert 'id="invite-link"' not in client.get("/people/").content.decode()


def test_the_invited_person_sets_a_password_and_logs_in(admin):
    link = _link(_as(admin).post("/people/", INVITE).content.decode())
    dana = Client()

    form = dana.get(link, follow=True)
    html = form.content.decode()
    assert "Set your password" in html and 'for="id_new_password1"' in html
    done = dana.post(
        form.redirect_chain[-1][0],
        {"new_password1": "quiet river 77 stones", "new_password2": "quiet river 77 stones"},
        follow=True,
    )
    assert "Your password is set" in done.content.decode()

    login = dana.post("/accounts/login/", {"username": "dana", "password": "quiet river 77 stones"})
    assert login.status_code == 302
    assert dana.get("/profile/").status_code == 200


def test_errors_are_shown_next_to_their_field(admin):
    answer = _as(admin).post(
        "/people/", {"username": "boss", "email": "x", "role": "executive", "leads": ["product"]}
    )
    assert answer.status_code == 400
    form = answer.context["form"]
    assert form.errors == {
        "email": ["Enter a valid email address."],
    }
    answer = _as(admin).post(
        "/people/", {"username": "boss", "email": "", "role": "executive", "leads": ["product"]}
    )
    assert answer.context["form"].errors == {
        "username": ["There is already a person called 'boss'."],
        "leads": ["Only team leads lead departments: choose the role Team lead, or no department."],
    }
    html = answer.content.decode()
    assert 'id="id_username_error_1">There is already a person called &#x27;boss&#x27;.' in html


def test_an_empty_invitation_says_what_is_missing(admin):
    answer = _as(admin).post("/people/", {})
    assert answer.status_code == 400
    assert answer.context["form"].errors == {
        "username": ["This field is required."],
        "role": ["This field is required."],
    }


# --- one person -----------------------------------------------------------------------------


def test_the_person_page_shows_the_current_values(admin, lead):
    html = _as(admin).get(f"/people/{lead.pk}").content.decode()
    assert '<option value="team_lead" selected>Team lead</option>' in html
    assert re.search(r'type="checkbox" name="leads" value="support"[^>]*checked', html)
    assert re.search(r'type="checkbox" name="active"[^>]*checked', html)
    assert '<label class="form-check-label" for="id_active">Active</label>' in html


def test_an_admin_changes_a_leads_departments_and_role(admin, lead):
    client = _as(admin)
    answer = client.post(
        f"/people/{lead.pk}", {"role": "team_lead", "leads": ["product", "billing"], "active": "on"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/people/"
    assert _state("lead") == ("team_lead", ["billing", "product"], True, False)
    listed = client.get("/people/").content.decode()
    assert "Saved lead: Team lead of Billing, Product." in listed

    client.post(f"/people/{lead.pk}", {"role": "admin", "leads": []})
    assert _state("lead") == ("admin", [], False, True)


def test_a_refused_change_is_shown_and_nothing_changes(admin, executive):
    answer = _as(admin).post(
        f"/people/{executive.pk}", {"role": "executive", "leads": ["product"], "active": "on"}
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors == {
        "leads": ["Only team leads lead departments: choose the role Team lead, or no department."]
    }
    assert _state("exec") == ("executive", [], True, False)


def test_an_admin_cannot_lock_themselves_out(admin):
    answer = _as(admin).post(f"/people/{admin.pk}", {"role": "executive", "leads": []})
    assert answer.context["form"].errors == {
        "role": ["You cannot take away your own admin role: ask another admin."],
        "active": ["You cannot deactivate yourself: ask another admin."],
    }
    assert _state("boss") == ("admin", [], True, False)


def test_an_unknown_person_is_404(admin):
    assert _as(admin).get("/people/999999").status_code == 404


def test_changes_are_in_the_persons_admin_history(org, lead):
    # given an admin made by the service (staff and superuser: they use /admin/)
    from cxmetrics.services.people import create_person

    root = create_person(
        actor=None, trusted=True, username="root", role="admin", password="correct horse battery"
    )
    client = _as(root)
    client.post(f"/people/{lead.pk}", {"role": "team_lead", "leads": ["billing"], "active": "on"})

    # then /admin/ lists the change with who made it
    html = client.get(f"/admin/auth/user/{lead.pk}/history/").content.decode()
    assert "Departments led: now leads Billing; no longer leads Support." in html
    assert "root" in html
