"""The goal editor's forms: plain HTML controls that parse what a lead typed; the rules are
the services' (cxmetrics.services.goals.goal_errors), mapped onto the fields here.

- :class:`GoalForm`: every field of a goal, as create_goal / update_goal take them
  (:meth:`GoalForm.service_values`);
- :class:`PreviewForm`: the fields the live figures depend on (metric, scope, period, target),
  read by the page and by the JSON endpoint alike (:meth:`PreviewForm.preview_args`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from cxmetrics.models import Channel, Department, GoalMetric, HandledBy
from cxmetrics.services.goals import METRIC_RANGES, goal_errors

FORM_FIELDS = {"scope_channels": "channels", "scope_handled_by": "handled_by"}
"""The services' name of a goal field -> the form's, where they differ."""

NUMBER = {"invalid": "Type a number, such as 45 or 4.5."}
DATE = {"invalid": "Type a date as YYYY-MM-DD, or pick one."}


def _ranges_text() -> str:
    labels = dict(GoalMetric.choices)
    return ", ".join(f"{labels[m]} {lo:g} to {hi:g}" for m, (lo, hi) in METRIC_RANGES.items())


def _number(label: str, help_text: str = "") -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,  # "a number is required" is the services' rule and words
        error_messages=NUMBER,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
    )


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        error_messages=DATE,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _boxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class ScopeFields(forms.Form):
    """The fields both forms share: what is measured, over which period, towards what."""

    metric = forms.ChoiceField(
        label="Metric",
        choices=GoalMetric.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "Choose a metric.", "invalid_choice": "Choose a metric."},
    )
    channels = forms.ModelMultipleChoiceField(
        label="Channels",
        queryset=Channel.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=_boxes(),
        help_text="None checked means all channels.",
    )
    handled_by = forms.MultipleChoiceField(
        label="Handled by",
        choices=HandledBy.choices,
        required=False,
        widget=_boxes(),
        help_text="None checked means all, whoever handled the conversation.",
    )
    start = _date("Start")
    end = _date("End")
    target = _number("Target", "The value to reach by the end, on the metric's own scale.")

    def add_service_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        """The services' field errors (InvalidInput.errors, goal_errors) next to the fields
        they concern; a field already refused by the form keeps only the form's error (its
        value could not be read). Errors of fields the form does not show go on top."""
        metric = self.cleaned_data.get("metric") if hasattr(self, "cleaned_data") else None
        label = dict(GoalMetric.choices).get(metric or "", "")
        for service_field, messages in errors.items():
            field = FORM_FIELDS.get(service_field, service_field)
            if field not in self.fields:
                field = None
            elif self.has_error(field):
                continue
            for message in messages:
                if label:  # the services name the metric by its code ("nps"), leads by its label
                    message = message.replace(f" for {metric}.", f" for {label}.")
                self.add_error(field, message)


class GoalForm(ScopeFields):
    """A goal as a lead writes it. Valid means the services' goal_errors has nothing to say."""

    field_order = [
        "name",
        "description",
        "metric",
        "channels",
        "handled_by",
        "start",
        "end",
        "baseline",
        "target",
        "stretch",
        "min_n",
        "departments",
    ]

    name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    baseline = _number(
        "Baseline", "Where the metric stands at the start: the live figures suggest one."
    )
    stretch = _number("Stretch", "Optional: a value beyond the target that plans may pay more for.")
    min_n = forms.IntegerField(
        label="Minimum responses",
        required=False,
        error_messages={"invalid": "Type a whole number, such as 30."},
        help_text="With fewer responses than this the goal reads “Not enough data”.",
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "1"}),
    )
    departments = forms.ModelMultipleChoiceField(
        label="Departments taking part",
        queryset=Department.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=_boxes(),
        help_text="Departments you lead take part at once; the others are invited and take part "
        "once one of their leads accepts.",
    )

    def __init__(self, *args: Any, owner: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["target"].help_text += f" ({_ranges_text()})"

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as create_goal / update_goal take them (owner aside)."""
        data = self.cleaned_data
        return {
            "name": (data.get("name") or "").strip(),
            "description": data.get("description") or "",
            "metric": data.get("metric"),
            "baseline": data.get("baseline"),
            "target": data.get("target"),
            "stretch": data.get("stretch"),
            "start": data.get("start"),
            "end": data.get("end"),
            "min_n": data.get("min_n"),
            "departments": list(data.get("departments") or []),
            "scope_channels": list(data.get("channels") or []),
            "scope_handled_by": list(data.get("handled_by") or []),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.add_service_errors(goal_errors(values={**self.service_values(), "owner": self.owner}))
        return cleaned


class PreviewForm(ScopeFields):
    """The live figures' inputs (GET of the JSON endpoint, or the editor's own fields); the
    goal's scope departments ride along (slugs; the editor does not change them)."""

    scope_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.all(), to_field_name="slug", required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        values = {field: cleaned.get(field) for field in ("metric", "target", "start", "end")}
        # Only what was given is checked: the figures need a metric, the rest is optional.
        checked = {"metric"} | ({"target"} if values["target"] is not None else set())
        if values["start"] is not None and values["end"] is not None:
            checked.add("end")
        errors = goal_errors(values=values)
        self.add_service_errors({f: m for f, m in errors.items() if f in checked})
        return cleaned

    def preview_args(self) -> dict[str, Any]:
        """Keyword arguments of selectors.goal_preview (all but `today`)."""
        data = self.cleaned_data
        return {
            "metric": data["metric"],
            "channels": [c.slug for c in data.get("channels") or []],
            "handled_by": list(data.get("handled_by") or []),
            "scope_departments": [d.slug for d in data.get("scope_departments") or []],
            "start": data.get("start"),
            "end": data.get("end"),
            "target": data.get("target"),
        }
