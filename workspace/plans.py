"""Workspace pages: incentive plans (see workspace/__init__.py).

- ``/plans/``: the plans of the departments I lead (team leads), every plan (executives,
  admins), each with its earned-so-far or paid figure, projected payout and pending components;
- ``/plans/new``, ``/plans/<id>/edit``: the plan form (workspace.plan_forms), saved through
  services.goals.create_plan / update_plan; a plan overlapping another plan of its department
  is saved only once that is confirmed;
- ``/plans/<id>``: the plan with each component's payout curve (workspace.curves);
- ``/plans/<id>/close``: admins close an ended period (with a confirmation);
- ``/plans/<id>/statement`` (.csv, .pdf): the frozen statement of a closed period.

Reading a plan (its page, its statement): admins, executives and the leads of its department.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from cxmetrics import payouts, statements
from cxmetrics.localtime import local_day
from cxmetrics.models import IncentivePlan, Role
from cxmetrics.roles import is_admin, led_department_ids, roles_of
from cxmetrics.selectors.goals import plan_attainment, plans_attainment, plans_queryset
from cxmetrics.selectors.plan_overlaps import overlapping_plans
from cxmetrics.services import goals as goal_services
from workspace import plan_forms
from workspace.access import admin_required, reader_required, refused, writer_required
from workspace.curves import component_figure, percent

CLOSE_UNDERSTOOD = "I understand the statement never changes"


def _sees_all(user: Any) -> bool:
    return is_admin(user) or Role.EXECUTIVE in roles_of(user)


def listed_plans(user: Any) -> QuerySet[IncentivePlan]:
    """The plans `/plans/` lists (prefetched as plans_queryset): all for admins and
    executives, those of the departments they lead for team leads (their workspace). Every
    reader may still open any plan, as on the scorecards, the incentives dashboard and the API:
    departments are paid on the same shared outcomes, in the open."""
    plans = plans_queryset().order_by("-period_start", "department__name", "name")
    return plans if _sees_all(user) else plans.filter(department__in=led_department_ids(user))


def _readable_plan(request: Any, plan_id: int) -> IncentivePlan:
    return get_object_or_404(plans_queryset(), pk=plan_id)


def _today() -> Any:
    return local_day(timezone.now())


def _money(pct: float | None, plan: IncentivePlan) -> str | None:
    """`pct` of the plan's target bonus as money text (None without a bonus)."""
    if plan.target_bonus is None:
        return None
    return payouts.format_money(payouts.amount(pct, bonus=plan.target_bonus), plan.currency)


def _figures(plan: IncentivePlan, attainment: dict[str, Any]) -> dict[str, Any]:
    """The plan's headline: the payout word, earned/paid and projected in percent and money."""
    closed = attainment["source"] == "statement"
    paid, projected = attainment["paid_pct"], attainment["projected_pct"]
    return {
        "closed": closed,
        "word": payouts.payout_word(closed=closed),
        "paid_pct": paid,
        "paid_text": percent(paid) if paid is not None else "–",
        "paid_money": _money(paid, plan),
        "projected_text": percent(projected) if projected is not None else "–",
        "projected_money": _money(projected, plan) if projected is not None else None,
        "pending": attainment["pending"],
    }


@reader_required
def plan_list(request: Any) -> HttpResponse:
    """Cost: the plans with their statements and prefetches, then one rollup query measuring
    every open plan's components (plans_attainment; no late-data count), whatever the plans."""
    today = _today()
    plans = list(listed_plans(request.user))
    attainments = plans_attainment(plans=plans, as_of=today)
    rows = [
        {"plan": plan, **_figures(plan, attainment)}
        for plan, attainment in zip(plans, attainments, strict=True)
    ]
    context = {"rows": rows, "can_write": _can_write(request.user), "today": today}
    return render(request, "workspace/plans/list.html", context)


def _can_write(user: Any) -> bool:
    return is_admin(user) or bool(led_department_ids(user))


# --- The form ---------------------------------------------------------------------------------


def _goals(form: plan_forms.PlanForm, plan: IncentivePlan | None) -> Any:
    chosen = form.chosen_department()
    departments = [chosen] if chosen else list(form.fields["department"].queryset)
    keep = [c.goal_id for c in plan.components.all()] if plan else []
    return plan_forms.goal_choices(departments=departments, keep=keep)


def _overlap_key(overlaps: list[IncentivePlan]) -> str:
    return ",".join(str(other.pk) for other in overlaps)


def _plan_form(request: Any, plan: IncentivePlan | None) -> HttpResponse:
    """GET: the empty or stored plan; POST with add_component: the same values and one more
    row, nothing saved; POST: save (after the overlap confirmation, if one is needed)."""
    user = request.user
    overlaps: list[IncentivePlan] = []
    plan_messages: list[str] = []
    if request.method == "POST" and "add_component" not in request.POST:
        form = plan_forms.PlanForm(request.POST, user=user, plan=plan)
        formset = plan_forms.component_formset(goals=_goals(form, plan), data=request.POST)
        if form.is_valid() and formset.is_valid():
            values = form.cleaned_data
            overlaps = list(
                overlapping_plans(
                    department=values["department"],
                    start=values["period_start"],
                    end=values["period_end"],
                    exclude=plan,
                )
            )
            confirmed = request.POST.get("confirm_overlap") == _overlap_key(overlaps)
            if not overlaps or confirmed:
                saved = _save(request, form, formset, plan)
                if isinstance(saved, IncentivePlan):
                    return redirect("plan-detail", plan_id=saved.pk)
                plan_messages = saved
    else:
        if request.method == "POST":  # "Add component": show what was typed, one more row
            initial, rows = plan_forms.echo(request.POST)
            extra = 1
        elif plan is not None:
            initial, rows = plan_forms.plan_initial(plan)
            extra = 0
        else:
            initial, rows, extra = _new_initial(user), [], 1
        form = plan_forms.PlanForm(initial=initial, user=user, plan=plan)
        formset = plan_forms.component_formset(goals=_goals(form, plan), initial=rows, extra=extra)
    context = {
        "form": form,
        "formset": formset,
        "plan": plan,
        "plan_messages": plan_messages,
        "overlaps": overlaps,
        "overlap_key": _overlap_key(overlaps),
        "overlap_names": ", ".join(
            f"{o.name} ({o.period_start} to {o.period_end})" for o in overlaps
        ),
    }
    return render(request, "workspace/plans/form.html", context)


def _new_initial(user: Any) -> dict[str, Any]:
    departments = list(plan_forms.plannable_departments(user)[:2])
    return {"department": departments[0].pk} if len(departments) == 1 else {}


def _save(
    request: Any,
    form: plan_forms.PlanForm,
    formset: Any,
    plan: IncentivePlan | None,
) -> IncentivePlan | list[str]:
    """Call the service; the saved plan, or the plan-level component messages after putting
    every error next to its field."""
    values = {name: form.cleaned_data[name] for name in goal_services.PLAN_FIELDS}
    values["currency"] = values["currency"] or ""
    components = plan_forms.component_inputs(formset)
    try:
        if plan is None:
            saved = goal_services.create_plan(actor=request.user, components=components, **values)
            messages.success(request, f"Plan “{saved.name}” created.")
        else:
            saved = goal_services.update_plan(
                plan=plan, actor=request.user, components=components, **values
            )
            messages.success(request, f"Plan “{saved.name}” saved.")
        return saved
    except goal_services.NotAllowed as exc:
        raise refused(exc) from exc
    except goal_services.StateConflict as exc:
        messages.error(request, str(exc))
        return []
    except goal_services.InvalidInput as exc:
        return plan_forms.show_errors(exc.errors, form=form, formset=formset)


@writer_required
def plan_new(request: Any) -> HttpResponse:
    return _plan_form(request, None)


@writer_required
def plan_edit(request: Any, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(plans_queryset(), pk=plan_id)
    try:
        goal_services.check_plan_before(request.user, plan)
    except goal_services.NotAllowed as exc:
        raise refused(exc) from exc
    if plan.is_closed:
        messages.error(request, "This plan's period is closed; its statement never changes.")
        return redirect("plan-detail", plan_id=plan.pk)
    return _plan_form(request, plan)


# --- Reading a plan ---------------------------------------------------------------------------


def _components(plan: IncentivePlan, attainment: dict[str, Any]) -> list[dict[str, Any]]:
    gate, min_n = attainment["confidence_gate"], attainment["min_n"]
    rows = []
    for i, component in enumerate(attainment["components"], start=1):
        payout = component["payout_pct"]
        rows.append(
            {
                **component,
                "position": i,
                "payout_text": percent(payout) if payout is not None else "pending",
                # its share of the plan's payout: weight x payout, in percent and money
                "contribution_text": percent(component["contribution"])
                if payout is not None
                else None,
                "payout_money": _money(component["contribution"], plan)
                if payout is not None
                else None,
                "explanation": payouts.explain(component, min_n=min_n, confidence_gate=gate),
                "svg": component_figure(component, confidence_gate=gate, dom_id=f"curve-{i}"),
            }
        )
    return rows


def _plan_page(request: Any, plan: IncentivePlan, template: str, *, late: bool) -> HttpResponse:
    """The plan page or its statement; ``late``: count the responses that arrived after
    closing (plan_attainment's late-data COUNT over raw responses), which only the statement
    shows."""
    attainment = plan_attainment(plan=plan, as_of=_today(), late=late)
    context = {
        "plan": plan,
        "attainment": attainment,
        "figures": _figures(plan, attainment),
        "components": _components(plan, attainment),
        "bonus": payouts.format_money(plan.target_bonus, plan.currency)
        if plan.target_bonus is not None
        else None,
        "can_edit": _may_change(request.user, plan) and not plan.is_closed,
        "can_close": is_admin(request.user) and not plan.is_closed and plan.period_end < _today(),
    }
    return render(request, template, context)


def _may_change(user: Any, plan: IncentivePlan) -> bool:
    try:
        goal_services.check_plan_before(user, plan)
    except goal_services.NotAllowed:
        return False
    return True


@reader_required
def plan_detail(request: Any, plan_id: int) -> HttpResponse:
    plan = _readable_plan(request, plan_id)
    return _plan_page(request, plan, "workspace/plans/detail.html", late=False)


class CloseForm(forms.Form):
    understood = forms.BooleanField(
        label=CLOSE_UNDERSTOOD,
        error_messages={"required": "Tick this box to close the period."},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


@admin_required
def plan_close(request: Any, plan_id: int) -> HttpResponse:
    """GET: what closing means, with the confirmation box; POST: close (services.goals.
    close_period, which refuses anyone but an admin too), then the statement."""
    plan = get_object_or_404(plans_queryset(), pk=plan_id)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            goal_services.close_period(plan=plan, actor=request.user)
        except goal_services.NotAllowed as exc:
            raise refused(exc) from exc
        except goal_services.StateConflict as exc:
            messages.error(request, str(exc))
            return redirect("plan-detail", plan_id=plan.pk)
        messages.success(request, f"The period of “{plan.name}” is closed.")
        return redirect("plan-statement", plan_id=plan.pk)
    attainment = plan_attainment(plan=plan, as_of=plan.period_end, late=False)
    context = {"plan": plan, "form": form, "figures": _figures(plan, attainment)}
    return render(request, "workspace/plans/close.html", context)


def _closed_plan(request: Any, plan_id: int) -> IncentivePlan:
    plan = _readable_plan(request, plan_id)
    if not plan.is_closed:
        raise Http404("This plan's period is not closed yet: there is no statement.")
    return plan


@reader_required
def plan_statement(request: Any, plan_id: int) -> HttpResponse:
    plan = _closed_plan(request, plan_id)
    return _plan_page(request, plan, "workspace/plans/statement.html", late=True)


def _download(request: Any, plan_id: int, ext: str) -> HttpResponse:
    """The closed plan's statement as a file: CSV (streamed) or PDF (cxmetrics.statements)."""
    plan = _closed_plan(request, plan_id)
    attainment = plan_attainment(plan=plan, as_of=plan.period_end, late=False)
    money = {"target_bonus": plan.target_bonus, "currency": plan.currency}
    response: HttpResponse | StreamingHttpResponse
    if ext == "csv":
        body = statements.statement_csv(attainment, **money)
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            statements.statement_pdf(attainment, **money), content_type="application/pdf"
        )
    name = f"statement-plan-{plan.pk}-{plan.period_start}-{plan.period_end}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@reader_required
def plan_statement_csv(request: Any, plan_id: int) -> HttpResponse:
    return _download(request, plan_id, "csv")


@reader_required
def plan_statement_pdf(request: Any, plan_id: int) -> HttpResponse:
    return _download(request, plan_id, "pdf")


urlpatterns: list = [
    path("plans/", plan_list, name="plans"),
    path("plans/new", plan_new, name="plan-new"),
    path("plans/<int:plan_id>", plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/edit", plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/close", plan_close, name="plan-close"),
    path("plans/<int:plan_id>/statement", plan_statement, name="plan-statement"),
    path("plans/<int:plan_id>/statement.csv", plan_statement_csv, name="plan-statement-csv"),
    path("plans/<int:plan_id>/statement.pdf", plan_statement_pdf, name="plan-statement-pdf"),
]
