"""Workspace pages: the follow-up rules (/followups/rules/, /followups/rules/new,
/followups/rules/<id>/edit) and the root causes (/followups/root-causes/, admins).

Every reader reads the rules; team leads and admins write them, leads only the rules naming
departments they all lead (the services' rule, `check_rule_before` / `check_rule`, shown as
the Edit links and enforced by `create_rule` / `update_rule`). Root causes go through
`create_root_cause` / `update_root_cause` (admins).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from cxmetrics.models import FollowUpRule, HandledBy, Metric, Priority, RootCause
from cxmetrics.scales import format_score
from cxmetrics.selectors.followups import rules_queryset
from cxmetrics.services import followups as services
from workspace.access import admin_required, check_followup_writer, reader_required, refused
from workspace.followup_forms import RootCauseForm, RuleForm, add_service_errors


def _may_edit(user: Any, rule: FollowUpRule) -> bool:
    try:
        services.check_rule_before(user, rule)
    except services.NotAllowed:
        return False
    return True


def _band(rule: FollowUpRule) -> str:
    low, high = format_score(rule.score_min, rule.metric), format_score(rule.score_max, rule.metric)
    return f"{low} to {high}"


@require_http_methods(["GET"])
@reader_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = list(rules_queryset().order_by("-active", "name"))
    handled = dict(HandledBy.choices)
    rows = [
        {
            "rule": rule,
            "metric": Metric(rule.metric).label,
            "band": _band(rule),
            "channels": ", ".join(sorted(c.name for c in rule.channels.all())) or "all",
            "departments": ", ".join(sorted(d.name for d in rule.departments.all())) or "all",
            "handled_by": ", ".join(handled.get(h, h) for h in rule.handled_by or []) or "all",
            "owner": rule.owner_department.name
            if rule.owner_department
            else "the response's department",
            "priority": Priority(rule.priority).label,
            "editable": _may_edit(request.user, rule),
        }
        for rule in rules
    ]
    return render(
        request,
        "workspace/followups/rules.html",
        {"rows": rows, "can_write": services.can_change_followups(request.user)},
    )


def _rule_form_page(
    request: HttpRequest, form: RuleForm, rule: FollowUpRule | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "workspace/followups/rule_form.html", {"form": form, "rule": rule}, status=status
    )


@require_http_methods(["GET", "POST"])
@reader_required
def rule_new(request: HttpRequest) -> HttpResponse:
    check_followup_writer(request)
    defaults = {"sla_hours": 48, "dedupe_days": 7, "priority": "normal", "active": True}
    form = RuleForm(request.POST if request.method == "POST" else None, initial=defaults)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.create_rule(actor=request.user, **form.service_values())
        except services.NotAllowed as exc:
            add_service_errors(form, {"owner_department": [str(exc)]})
        except services.InvalidInput as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, f"Rule “{rule.name}” created.")
            return redirect("followup-rules")
    return _rule_form_page(request, form, None, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@reader_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    check_followup_writer(request)
    rule = get_object_or_404(rules_queryset(), pk=pk)
    try:
        services.check_rule_before(request.user, rule)
    except services.NotAllowed as exc:
        raise refused(exc) from exc
    form = RuleForm(
        request.POST if request.method == "POST" else None, initial=RuleForm.initial_of(rule)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rule(rule=rule, actor=request.user, **form.service_values())
        except services.NotAllowed as exc:
            add_service_errors(form, {"owner_department": [str(exc)]})
        except services.InvalidInput as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, f"Rule “{rule.name}” saved.")
            return redirect("followup-rules")
    return _rule_form_page(request, form, rule, status=400 if form.errors else 200)


# --- Root causes ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@admin_required
def root_causes(request: HttpRequest) -> HttpResponse:
    causes = list(RootCause.objects.order_by("name"))
    action = request.POST.get("action") if request.method == "POST" else None
    add = RootCauseForm(request.POST if action == "add" else None, prefix="new")
    renames = {
        cause.pk: RootCauseForm(
            request.POST
            if action == "rename" and request.POST.get("cause") == str(cause.pk)
            else None,
            prefix=f"cause-{cause.pk}",
            initial={"name": cause.name},
        )
        for cause in causes
    }
    if request.method == "POST":
        try:
            done = _root_cause_action(request, action, add, renames)
        except services.NotAllowed as exc:
            raise refused(exc) from exc
        if done:
            messages.success(request, done)
            return redirect("followup-root-causes")
    failed = add.errors or any(form.errors for form in renames.values())
    return render(
        request,
        "workspace/followups/root_causes.html",
        {"rows": [(cause, renames[cause.pk]) for cause in causes], "add": add},
        status=400 if failed else 200,
    )


def _root_cause_action(
    request: HttpRequest, action: str | None, add: RootCauseForm, renames: dict[int, RootCauseForm]
) -> str | None:
    """Do `action`; the success message, or None when a form shows why not."""
    actor = request.user
    if action == "add":
        if add.is_valid():
            try:
                cause = services.create_root_cause(actor=actor, name=add.cleaned_data["name"])
            except services.InvalidInput as exc:
                add_service_errors(add, exc.errors)
                return None
            return f"Root cause “{cause.name}” added."
        return None
    cause = get_object_or_404(RootCause, pk=request.POST.get("cause") or 0)
    if action == "rename":
        form = renames[cause.pk]
        if form.is_valid():
            try:
                services.update_root_cause(
                    actor=actor, root_cause=cause, name=form.cleaned_data["name"]
                )
            except services.InvalidInput as exc:
                add_service_errors(form, exc.errors)
                return None
            return f"Root cause renamed “{cause.name}”."
        return None
    if action in ("deactivate", "activate"):
        services.update_root_cause(actor=actor, root_cause=cause, active=action == "activate")
        return f"Root cause “{cause.name}” {action}d."
    messages.error(request, "Unknown action.")
    return None


urlpatterns = [
    path("followups/rules/", rule_list, name="followup-rules"),
    path("followups/rules/new", rule_new, name="followup-rule-new"),
    path("followups/rules/<int:pk>/edit", rule_edit, name="followup-rule-edit"),
    path("followups/root-causes/", root_causes, name="followup-root-causes"),
]
