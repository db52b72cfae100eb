"""Goals, plans, snapshots and payout statements in the admin (admins only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from cxmetrics import models as m
from cxmetrics.incentives import PayoutCurve, validate_weights
from cxmetrics.roles import is_admin
from cxmetrics.services import goals as goal_services


class AdminRoleOnly:
    """Goals, plans and their statements in the admin are for the admin role only.

    The admin writes without the role rules of cxmetrics.services.goals.access, so a staff
    user with model permissions but another role (a team lead) must not reach these pages:
    they would edit any department's goals there.
    """

    def has_module_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_delete_permission(request, obj)


class PlanComponentFormSet(BaseInlineFormSet):
    """Weights are whole percentages summing to 100; each curve increases."""

    def clean(self) -> None:
        super().clean()
        weights = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            weights.append(data.get("weight"))
            values = [data.get(f) for f in ("threshold", "target", "stretch")]
            if None not in values:
                curve = PayoutCurve(
                    *values,
                    threshold_payout=data.get("threshold_payout", 50.0),
                    stretch_payout=data.get("stretch_payout", 150.0),
                )
                try:
                    curve.validate()
                except ValueError as exc:
                    raise ValidationError(f"Component {len(weights)}: {exc}.") from exc
        try:
            validate_weights([w for w in weights if w is not None])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class PlanComponentInline(AdminRoleOnly, admin.TabularInline):
    model = m.PlanComponent
    formset = PlanComponentFormSet
    extra = 1
    autocomplete_fields = ["goal"]


class GoalAdminForm(forms.ModelForm):
    class Meta:
        model = m.Goal
        fields = [*goal_services.GOAL_FIELDS, *goal_services.GOAL_M2M]

    def clean(self) -> dict:
        data = super().clean()
        values = {field: data.get(field) for field in goal_services.GOAL_FIELDS}
        values |= {field: list(data.get(field) or []) for field in goal_services.GOAL_M2M}
        values["scope_handled_by"] = data.get("scope_handled_by") or []
        values["min_n"] = data.get("min_n")
        for field, problems in goal_services.goal_errors(values=values).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, problems)
        return data


@admin.register(m.Goal)
class GoalAdmin(AdminRoleOnly, SimpleHistoryAdmin):
    form = GoalAdminForm
    list_display = ["name", "metric", "baseline", "target", "start", "end", "owner"]
    list_filter = ["metric", "departments", "end"]
    search_fields = ["name", "description"]
    filter_horizontal = ["departments", "scope_channels", "scope_departments"]
    readonly_fields = ["last_alerted_status"]


@admin.register(m.GoalSnapshot)
class GoalSnapshotAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["goal", "as_of", "value", "n", "expected", "status"]
    list_filter = ["status", "goal"]
    date_hierarchy = "as_of"

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # written by the nightly snapshot

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(m.IncentivePlan)
class IncentivePlanAdmin(AdminRoleOnly, SimpleHistoryAdmin):
    list_display = [
        "name",
        "department",
        "period_start",
        "period_end",
        "confidence_gate",
        "closed_at",
    ]
    list_filter = ["department", "confidence_gate", "period_end"]
    search_fields = ["name"]
    readonly_fields = ["closed_at"]
    inlines = [PlanComponentInline]

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        if obj is not None and obj.is_closed:
            return False  # a closed period never changes
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        if obj is not None and obj.is_closed:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(m.PayoutStatement)
class PayoutStatementAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["plan", "closed_at", "closed_by", "total_pct", "formula_version"]
    list_filter = ["formula_version"]
    search_fields = ["plan__name"]
    readonly_fields = ["plan", "closed_at", "closed_by", "formula_version", "total_pct", "data"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # written by closing a plan's period

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # closed statements never change

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
