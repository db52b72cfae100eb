"""The follow-up pages' forms: plain HTML controls that parse what a lead chose; the rules
(transitions, closing needs an outcome and a root cause, who may be assigned, rule bands) are
the services' (cxmetrics.services.followups), whose field errors `add_service_errors` puts
next to the fields.

- :class:`QueueFilterForm`: the queue's GET filters;
- :class:`BulkForm`: "With the selected" (assign, set status, close with outcome + root cause);
- :class:`ChangeForm`, :class:`CloseForm`: one follow-up's status / assignee / note, and its close;
- :class:`RuleForm`: a follow-up rule, as create_rule / update_rule take it;
- :class:`RootCauseForm`: a root cause's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms

from cxmetrics.models import (
    Channel,
    Department,
    FollowUpStatus,
    HandledBy,
    Metric,
    Outcome,
    Priority,
    RootCause,
)
from cxmetrics.selectors.followup_queue import NOT_CLOSED
from cxmetrics.services.followups import RULE_FIELDS

LEAVE = ""
NOBODY = "nobody"
SELECT = {"class": "form-select"}
ANY_STATUS = "any"


def add_service_errors(form: forms.Form, errors: Mapping[str, Sequence[str]]) -> None:
    """The services' field errors (InvalidInput.errors) next to the form's fields of the same
    name; errors of fields the form does not show go on top of it."""
    for name, messages in errors.items():
        target = name if name in form.fields and not form.has_error(name) else None
        for message in messages:
            form.add_error(target, message)


def _select(label: str, choices: Iterable[tuple[str, str]], **options: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=list(choices), required=False, widget=forms.Select(SELECT), **options
    )


def _person_choices(people: Iterable[Any]) -> list[tuple[str, str]]:
    return [(str(person.pk), person.get_username()) for person in people]


class QueueFilterForm(forms.Form):
    """GET /followups/: department, status (default: not closed), overdue, mine, page."""

    department = forms.ChoiceField(label="Department", required=False, widget=forms.Select(SELECT))
    status = _select(
        "Status",
        [(NOT_CLOSED, "Not closed"), *FollowUpStatus.choices, (ANY_STATUS, "Any status")],
    )
    overdue = _select(
        "Overdue", [("", "Overdue or not"), ("yes", "Overdue"), ("no", "Not overdue")]
    )
    mine = forms.BooleanField(
        label="Assigned to me",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, departments: Iterable[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            ("", "All departments"),
            *((d.slug, d.name) for d in departments),
        ]

    def value(self, name: str) -> Any:
        """The cleaned value, or the default when the form is unbound or the field invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name)
        return {"status": NOT_CLOSED, "page": 1}.get(name)


def not_closed_statuses() -> list[tuple[str, str]]:
    """The statuses a follow-up's page offers before it is closed (closing is its own form)."""
    return [(v, label) for v, label in FollowUpStatus.choices if v != FollowUpStatus.CLOSED]


def _root_cause_field(label: str = "Root cause") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=RootCause.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="—",
        widget=forms.Select(SELECT),
    )


class BulkForm(forms.Form):
    """What to do with the selected follow-ups. Blank fields change nothing; an outcome closes
    them (status closed), which needs a root cause."""

    assignee = forms.ChoiceField(label="Assign to", required=False, widget=forms.Select(SELECT))
    status = _select("Set status", [(LEAVE, "— leave as is —"), *FollowUpStatus.choices])
    outcome = _select("Close with outcome", [(LEAVE, "—"), *Outcome.choices])
    root_cause = _root_cause_field()

    def __init__(self, *args: Any, people: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["assignee"].choices = [
            (LEAVE, "— leave as is —"),
            (NOBODY, "Nobody (unassign)"),
            *_person_choices(self.people.values()),
        ]

    def changes(self) -> dict[str, Any]:
        """The changes for update_followup (a valid form)."""
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        if data["assignee"] == NOBODY:
            changes["assignee"] = None
        elif data["assignee"]:
            changes["assignee"] = self.people[data["assignee"]]
        if data["status"]:
            changes["status"] = data["status"]
        if data["outcome"]:
            changes["outcome"] = data["outcome"]
            changes.setdefault("status", FollowUpStatus.CLOSED)
        if data["root_cause"] is not None:
            changes["root_cause"] = data["root_cause"]
        return changes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(name) for name in ("assignee", "status", "outcome", "root_cause")):
            raise forms.ValidationError("Choose what to do with the selected follow-ups.")
        return data


class ChangeForm(forms.Form):
    """A follow-up's status (when not closed), assignee and note."""

    status = forms.ChoiceField(label="Status", required=False, widget=forms.Select(SELECT))
    assignee = forms.ChoiceField(label="Assignee", required=False, widget=forms.Select(SELECT))
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=10_000,
        strip=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def __init__(self, *args: Any, people: Iterable[Any], closed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["assignee"].choices = [
            (NOBODY, "Nobody"),
            *_person_choices(self.people.values()),
        ]
        if closed:
            del self.fields["status"]
        else:
            self.fields["status"].choices = not_closed_statuses()

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes: dict[str, Any] = {"note": data["note"]}
        if "status" in self.fields and data.get("status"):
            changes["status"] = data["status"]
        changes["assignee"] = (
            None if data["assignee"] in (NOBODY, "") else self.people[data["assignee"]]
        )
        return changes


class CloseForm(forms.Form):
    """Close a follow-up: an outcome and a root cause (the services say when one is missing)."""

    outcome = _select("Outcome", [(LEAVE, "—"), *Outcome.choices])
    root_cause = _root_cause_field()

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "status": FollowUpStatus.CLOSED,
            "outcome": data["outcome"] or "",
            "root_cause": data["root_cause"],
        }


# --- Rules ---------------------------------------------------------------------------------

NUMBER = {"invalid": "Type a number, such as 6 or -0.5."}
WHOLE = {"invalid": "Type a whole number, such as 48."}


def _boxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def _number(label: str, help_text: str, *, whole: bool = False) -> forms.Field:
    widget = forms.NumberInput(attrs={"class": "form-control", "step": "1" if whole else "any"})
    if whole:
        return forms.IntegerField(
            label=label, required=False, error_messages=WHOLE, help_text=help_text, widget=widget
        )
    return forms.FloatField(
        label=label, required=False, error_messages=NUMBER, help_text=help_text, widget=widget
    )


class RuleForm(forms.Form):
    """A follow-up rule as create_rule / update_rule take it (`service_values`)."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    metric = forms.ChoiceField(
        label="Metric",
        choices=Metric.choices,
        widget=forms.Select(SELECT),
        error_messages={"required": "Choose a metric.", "invalid_choice": "Choose a metric."},
        help_text="Sentiment matches the comment's sentiment (-1 to 1), whatever the metric.",
    )
    score_min = _number("Lowest score", "In the metric's units: NPS 0-10, CSAT 1-5, CES 1-7.")
    score_max = _number("Highest score", "Inclusive.")
    channels = forms.ModelMultipleChoiceField(
        label="Channels",
        queryset=Channel.objects.order_by("name"),
        required=False,
        widget=_boxes(),
        help_text="None checked means all channels.",
    )
    departments = forms.ModelMultipleChoiceField(
        label="Departments",
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=_boxes(),
        help_text="Responses of these departments; none checked means all.",
    )
    handled_by = forms.MultipleChoiceField(
        label="Handled by",
        choices=HandledBy.choices,
        required=False,
        widget=_boxes(),
        help_text="None checked means all.",
    )
    has_comment = forms.BooleanField(
        label="Has a comment",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    owner_department = forms.ModelChoiceField(
        label="Owning department",
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label="The response's department",
        widget=forms.Select(SELECT),
    )
    sla_hours = _number("SLA in hours", "Due this many hours after opening.", whole=True)
    priority = forms.ChoiceField(
        label="Priority", choices=Priority.choices, widget=forms.Select(SELECT)
    )
    dedupe_days = _number(
        "Dedupe window in days",
        "At most one follow-up per customer and rule within this many days; 0: no dedupe.",
        whole=True,
    )
    active = forms.BooleanField(
        label="Active",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["channels"] = list(data["channels"])
        data["departments"] = list(data["departments"])
        data["handled_by"] = list(data["handled_by"])
        return data

    @staticmethod
    def initial_of(rule: Any) -> dict[str, Any]:
        # the rule's fields this form edits (the webhook is set by admins in the admin)
        fields = [name for name in RULE_FIELDS if name in RuleForm.base_fields]
        initial = {name: getattr(rule, name) for name in fields}
        initial["channels"] = list(rule.channels.all())
        initial["departments"] = list(rule.departments.all())
        return initial


class RootCauseForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
