"""The plan form: the plan's own fields and a formset of weighted components.

Django forms parse what was typed (dates, amounts, numbers); the rules (weights sum to 100,
threshold < target <= stretch, the department takes part in the goal, who may plan for whom)
are the services' (cxmetrics.services.goals), whose InvalidInput errors are put next to their
fields by :func:`show_errors`. Field names are the services' (PLAN_FIELDS, CURVE_TERMS) so the
mapping is the identity; labels are the words a lead reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms import BaseFormSet, formset_factory
from django.http import QueryDict

from cxmetrics import incentives
from cxmetrics.models import Department, Goal, IncentivePlan
from cxmetrics.roles import is_admin, led_department_ids
from cxmetrics.services.goals import ComponentIn

__all__ = [
    "COMPONENTS_PREFIX",
    "CURRENCIES",
    "ComponentForm",
    "PlanForm",
    "component_formset",
    "component_inputs",
    "echo",
    "goal_choices",
    "plannable_departments",
    "show_errors",
]

# Common ISO 4217 codes; a plan stored with another code (through the API) keeps its own.
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "JPY", "CAD", "AUD")
COMPONENTS_PREFIX = "components"
ROW_FIELDS = ("goal", "weight", "threshold", "target", "stretch")
"""What a component row needs; a row with none of them filled in is a blank row, skipped."""


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _number_input(step: str = "any") -> forms.NumberInput:
    return forms.NumberInput(attrs={"class": "form-control", "step": step})


def plannable_departments(user: Any) -> QuerySet[Department]:
    """The departments `user` may plan for: all for admins, the led ones for team leads."""
    departments = Department.objects.order_by("name")
    return departments if is_admin(user) else departments.filter(pk__in=led_department_ids(user))


def goal_choices(*, departments: Iterable[Department], keep: Iterable[int] = ()) -> QuerySet[Goal]:
    """Non-archived goals in which one of `departments` takes part (accepted participation:
    Goal.departments), plus the goals ids `keep` (a plan's current components, even archived)."""
    taking_part = Q(departments__in=list(departments), archived_at__isnull=True)
    return Goal.objects.filter(taking_part | Q(pk__in=list(keep))).distinct().order_by("name")


class PlanForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    department = forms.ModelChoiceField(
        label="Department", queryset=Department.objects.none(), empty_label="Choose a department"
    )
    period_start = forms.DateField(label="Start", widget=_date_input())
    period_end = forms.DateField(label="End", widget=_date_input())
    target_bonus = forms.DecimalField(
        label="Target bonus",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=_number_input("0.01"),
        help_text="Optional: the amount paid at 100%; every payout is then also shown as money.",
    )
    currency = forms.ChoiceField(label="Currency", initial="EUR")
    confidence_gate = forms.BooleanField(
        label="Pay on the lower bound of the 95% interval (confidence gate)",
        required=False,
        initial=IncentivePlan._meta.get_field("confidence_gate").default,
    )
    min_n = forms.IntegerField(
        label="Minimum responses",
        min_value=1,
        initial=IncentivePlan._meta.get_field("min_n").default,
        widget=_number_input("1"),
        help_text="A component pays nothing until its goal has this many responses.",
    )

    def __init__(self, *args: Any, user: Any, plan: IncentivePlan | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = plannable_departments(user)
        codes = list(CURRENCIES)
        if plan is not None and plan.currency and plan.currency not in codes:
            codes.append(plan.currency)
        self.fields["currency"].choices = [(code, code) for code in codes]
        self.fields["name"].widget.attrs["class"] = "form-control"
        for name in ("department", "currency"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["confidence_gate"].widget.attrs["class"] = "form-check-input"

    def chosen_department(self) -> Department | None:
        """The department as submitted (valid choice) or as initially set, else None."""
        field = self["department"]
        value = field.data if self.is_bound else field.value()
        if isinstance(value, Department):
            return value
        try:
            return self.fields["department"].queryset.get(pk=value) if value else None
        except (Department.DoesNotExist, ValueError, TypeError):
            return None


class ComponentForm(forms.Form):
    """One weighted component row. All fields are optional at the form level so a blank row
    (added by "Add component" and left empty) is skipped; a row started is complete or errs."""

    goal = forms.ModelChoiceField(
        label="Goal", queryset=Goal.objects.none(), required=False, empty_label="Choose a goal"
    )
    weight = forms.IntegerField(
        label="Weight", required=False, min_value=1, max_value=100, widget=_number_input("1")
    )
    threshold = forms.FloatField(label="Threshold", required=False, widget=_number_input())
    target = forms.FloatField(label="Target", required=False, widget=_number_input())
    stretch = forms.FloatField(label="Stretch", required=False, widget=_number_input())
    threshold_payout = forms.FloatField(
        label="Payout at threshold (%)",
        required=False,
        initial=incentives.DEFAULT_THRESHOLD_PAYOUT,
        widget=_number_input(),
    )
    stretch_payout = forms.FloatField(
        label="Payout at stretch (%)",
        required=False,
        initial=incentives.DEFAULT_STRETCH_PAYOUT,
        widget=_number_input(),
    )

    def __init__(self, *args: Any, goals: QuerySet[Goal], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["goal"].widget.attrs["class"] = "form-select"

    def is_blank(self) -> bool:
        """Nothing of the row's own fields was filled in."""
        return all(self.cleaned_data.get(name) in (None, "") for name in ROW_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.cleaned_data.get("DELETE") or self.is_blank():
            return data
        messages = {"goal": "Choose a goal.", "weight": "A weight in whole percent is required."}
        for name in ROW_FIELDS:
            if name not in self.errors and data.get(name) is None:
                self.add_error(name, messages.get(name, "A number is required."))
        return data


class BaseComponentFormSet(BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this component"
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def counted(self) -> list[ComponentForm]:
        """The rows that are components (not blank, not removed), in order: the service's
        positions index this list."""
        return [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
        ]


def component_formset(
    *,
    goals: QuerySet[Goal],
    data: QueryDict | None = None,
    initial: Sequence[dict[str, Any]] | None = None,
    extra: int = 0,
) -> BaseComponentFormSet:
    """The components formset: bound to `data`, or showing `initial` rows and `extra` empty ones."""
    formset_class = formset_factory(
        ComponentForm, formset=BaseComponentFormSet, extra=extra, can_delete=True, max_num=50
    )
    return formset_class(
        data=data, initial=initial, prefix=COMPONENTS_PREFIX, form_kwargs={"goals": goals}
    )


def component_inputs(formset: BaseComponentFormSet) -> list[ComponentIn]:
    """The valid formset's components as the service takes them (blank payouts: defaults)."""
    parts = []
    for form in formset.counted():
        data = form.cleaned_data
        payouts = {
            "threshold_payout": data.get("threshold_payout"),
            "stretch_payout": data.get("stretch_payout"),
        }
        parts.append(
            ComponentIn(
                goal=data["goal"],
                weight=data["weight"],
                threshold=data["threshold"],
                target=data["target"],
                stretch=data["stretch"],
                **{term: value for term, value in payouts.items() if value is not None},
            )
        )
    return parts


def echo(data: QueryDict) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What was typed, as initial values: the plan's fields and the component rows (removed
    rows dropped), to show the form again unvalidated (after "Add component")."""
    plan = {name: data.get(name, "") for name in PlanForm.base_fields}
    plan["confidence_gate"] = bool(data.get("confidence_gate"))
    try:
        total = int(data.get(f"{COMPONENTS_PREFIX}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    rows = []
    for i in range(min(total, 50)):
        prefix = f"{COMPONENTS_PREFIX}-{i}-"
        if data.get(prefix + "DELETE"):
            continue
        rows.append({name: data.get(prefix + name, "") for name in ComponentForm.base_fields})
    return plan, rows


def show_errors(
    errors: dict[str, Any], *, form: PlanForm, formset: BaseComponentFormSet
) -> list[str]:
    """Put a service's InvalidInput errors next to their fields. Returns the plan-level
    component messages (e.g. weights not adding up to 100) for the components section."""
    plan_level: list[str] = []
    for field, messages in errors.items():
        if field == "components":
            if isinstance(messages, dict):
                rows = formset.counted()
                for position, row_errors in messages.items():
                    row = rows[int(position)]
                    for name, texts in row_errors.items():
                        target = name if name in row.fields else None
                        for text in texts:
                            row.add_error(target, text)
            else:
                plan_level.extend(messages)
            continue
        target = field if field in form.fields else None
        for text in messages:
            form.add_error(target, text)
    return plan_level


def plan_initial(plan: IncentivePlan) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A stored plan as the form's initial values and rows."""
    values = {
        "name": plan.name,
        "department": plan.department_id,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "target_bonus": plan.target_bonus,
        "currency": plan.currency or "EUR",
        "confidence_gate": plan.confidence_gate,
        "min_n": plan.min_n,
    }
    rows = [
        {
            "goal": component.goal_id,
            "weight": component.weight,
            **{term: getattr(component, term) for term in incentives.CURVE_TERMS},
        }
        for component in plan.components.all()
    ]
    return values, rows
