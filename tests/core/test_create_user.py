"""`manage.py create_user NAME --role ROLE [--leads SLUG ...] [--password P] [--email E]`:
creates a person with the people service; a generated password alone on the last line."""

from __future__ import annotations

import io

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from cxmetrics.selectors.people import role_of


def _create_user(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue().splitlines()


def _logs_in(username: str, password: str) -> bool:
    answer = Client().post("/accounts/login/", {"username": username, "password": password})
    return answer.status_code == 302


def test_a_team_lead_with_a_generated_password_on_the_last_line(org):
    # when dana is created as lead of Product and Support, without a password
    lines = _create_user("dana", "--role", "team_lead", "--leads", "product", "support")

    # then the output says what was made, and the password comes alone on the last line
    assert lines[:2] == [
        "Created 'dana': Team lead of Product, Support.",
        "Password (shown once, store it now):",
    ]
    password = lines[-1]
    assert len(lines) == 3 and len(password) == 24
    dana = User.objects.get(username="dana")
    assert role_of(dana) == "team_lead"
    assert sorted(dana.led_departments.values_list("slug", flat=True)) == ["product", "support"]
    assert dana.check_password(password) and _logs_in("dana", password)
    # audited, attributed to the command
    entry = LogEntry.objects.get(object_id=str(dana.pk))
    assert entry.action_flag == ADDITION
    assert entry.change_message == (
        "Created as Team lead of Product, Support, with a password "
        "(by manage.py create_user on the server)."
    )


def test_generated_passwords_differ(org):
    first = _create_user("ann", "--role", "executive")[-1]
    second = _create_user("bob", "--role", "executive")[-1]
    assert first != second


def test_a_given_password_is_not_printed(org):
    lines = _create_user(
        "root", "--role", "admin", "--password", "correct horse battery", "--email", "r@x.org"
    )
    assert lines == ["Created 'root': Admin."]
    root = User.objects.get(username="root")
    assert root.is_staff and root.is_superuser and root.email == "r@x.org"
    assert root.check_password("correct horse battery")


def test_an_integrator(org):
    assert _create_user("zap", "--role", "integrator", "--password", "correct horse battery") == [
        "Created 'zap': Integrator."
    ]
    assert role_of(User.objects.get(username="zap")) == "integrator"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--role", "team_lead", "--leads", "product", "hr", "marketing"],
            "--leads: Unknown departments: hr, marketing "
            "(departments: billing, logistics, product, stores, support).",
        ),
        (
            ["--role", "executive", "--leads", "product"],
            "--leads: Only team leads lead departments: choose the role Team lead, "
            "or no department.",
        ),
        (
            ["--role", "executive", "--password", "password"],
            "--password: This password is too common.",
        ),
        (
            ["--role", "executive", "--password", "dana2"],
            "--password: The password is too similar to the username. "
            "This password is too short. It must contain at least 8 characters.",
        ),
        (
            ["--role", "executive", "--email", "nope"],
            "--email: Enter a valid email address.",
        ),
    ],
)
def test_bad_values_are_refused_with_the_reason_and_nothing_is_created(org, args, message):
    with pytest.raises(CommandError) as refused:
        _create_user("dana", *args)
    assert str(refused.value) == message
    assert not User.objects.filter(username="dana").exists()


def test_an_existing_username_is_refused_and_left_as_it_is(org, executive):
    with pytest.raises(CommandError) as refused:
        _create_user("exec", "--role", "admin")
    assert str(refused.value) == "NAME: There is already a person called 'exec'."
    executive.refresh_from_db()
    assert not executive.is_superuser and role_of(User.objects.get(pk=executive.pk)) == "executive"


def test_the_role_is_required_and_one_of_four(org):
    with pytest.raises(CommandError, match="--role"):
        _create_user("dana")
    with pytest.raises(CommandError, match="invalid choice: 'boss'"):
        _create_user("dana", "--role", "boss")
