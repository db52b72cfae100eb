"""The forms of the people and profile pages: plain Django forms in the workspace look.

Their field names are the people service's (cxmetrics.services.people): username, email,
role, leads, active, so the service's InvalidInput errors land next to the right control.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms

from cxmetrics.models import Department, Role
from cxmetrics.services.goals import InvalidInput

# Bootstrap's class for each kind of control (the dashboards' look).
CONTROL_CLASS = {
    forms.CheckboxInput: "form-check-input",
    forms.CheckboxSelectMultiple: "form-check-input",
    forms.Select: "form-select",
}


class Styled:
    """Gives every control of the form Bootstrap's class for its kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            kind = next((c for k, c in CONTROL_CLASS.items() if type(field.widget) is k), None)
            field.widget.attrs.setdefault("class", kind or "form-control")


def department_choices() -> list[tuple[str, str]]:
    return list(Department.objects.order_by("name").values_list("slug", "name"))


def role_field(**options: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        **options,
        help_text="Executives read figures; team leads set their departments' goals and "
        "plans; integrators send data through the API; admins do everything, here too.",
    )


def leads_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Departments led",
        required=False,
        choices=department_choices,  # read each time a form is made
        widget=forms.CheckboxSelectMultiple,
        help_text="Team leads only.",
    )


class InviteForm(Styled, forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        help_text="Optional: the link to set a password is also sent there.",
    )
    role = role_field(initial=Role.TEAM_LEAD)
    leads = leads_field()


class PersonForm(Styled, forms.Form):
    role = role_field()
    leads = leads_field()
    active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="Inactive people cannot log in, and their API tokens are revoked.",
    )


class SetPasswordForm(Styled, auth_forms.SetPasswordForm):
    """The invited person's first password (Django's form, in the workspace look)."""


class PasswordChangeForm(Styled, auth_forms.PasswordChangeForm):
    """Change my password (Django's form, in the workspace look)."""


def add_service_errors(form: forms.Form, exc: InvalidInput) -> None:
    """Each of the service's messages next to its field (the form's top otherwise)."""
    for field, messages in exc.errors.items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(field if field in form.fields else None, str(message))
