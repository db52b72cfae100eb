"""The goal editor: /goals/new, /goals/<id>/edit, and the live figures at /goals/preview.

Works without JavaScript: the figures are rendered with the page, and the buttons that only
change what the page shows ("Update figures", a date preset, "Use as baseline") post the form
back to be re-rendered, not saved. goal_form.js fetches /goals/preview (JSON with the same
panel rendered) as the fields change, and fills the dates and the baseline in place.

Writes go through cxmetrics.services.goals with ``actor=request.user``; their field errors are
shown next to the fields, their refusals as the 403 page.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_http_methods

from cxmetrics import periods
from cxmetrics.metrics import TEST_NPS_Z, TEST_TWO_PROPORTION_Z, TEST_WELCH_T
from cxmetrics.models import Department, Goal, GoalMetric, InvitationStatus
from cxmetrics.roles import led_department_ids
from cxmetrics.scales import SCORE_FORMATS, counted
from cxmetrics.selectors.dashboards.filters import today as local_today
from cxmetrics.selectors.goal_preview import goal_preview
from cxmetrics.services import goals as goal_services
from workspace.access import refused, writer_required
from workspace.goal_forms import GoalForm, PreviewForm

FIGURES_TEMPLATE = "workspace/goal_form/_figures.html"
TEST_NAMES = {
    TEST_NPS_Z: "the NPS z-test",
    TEST_TWO_PROPORTION_Z: "the two-proportion z-test",
    TEST_WELCH_T: "Welch's t-test",
}
CHANGE_UNITS = {
    "nps": "points",
    "csat": "percentage points",
    "ces": "on the 1–7 scale",
    "followup_on_time": "percentage points",
}
# Buttons that re-render the form instead of saving it (each the name of a submit button).
RERENDER = ("preset", "use_baseline", "figures")


def _decimals(metric: str) -> int:
    """Decimals a metric's score is shown with (scales.SCORE_FORMATS, the one definition)."""
    found = re.search(r"\.(\d+)f", SCORE_FORMATS.get(metric, "{:.2f}"))
    return int(found.group(1)) if found else 2


def _error_lines(errors: Any) -> list[tuple[str, str]]:
    """A PreviewForm's errors as (field label, message) lines."""
    fields = PreviewForm.base_fields
    lines = []
    for name, messages_ in (errors or {}).items():
        label = fields[name].label if name in fields and fields[name].label else "Scope"
        lines += [(label, message) for message in messages_]
    return lines


def _strip(preview: dict[str, Any]) -> dict[str, Any] | None:
    """Where the noise band, the current value and the target fall on a 300-wide strip
    (SVG user units, 10 to 290), scaled to what it shows; None without a band."""
    if preview["band"] is None:
        return None
    target = preview["target"]
    points = [*preview["band"], preview["value"], *([] if target is None else [target])]
    lo, hi = min(points), max(points)
    pad = (hi - lo) * 0.12 or 1.0
    lo, hi = lo - pad, hi + pad

    def x(value: float) -> float:
        return round(10 + 280 * (value - lo) / (hi - lo), 1)

    band_x = x(preview["band"][0])
    return {
        "band_x": band_x,
        "band_w": round(x(preview["band"][1]) - band_x, 1),
        "value_x": x(preview["value"]),
        "target_x": None if target is None else x(target),
    }


def figures_context(preview: dict[str, Any] | None, errors: Any = None) -> dict[str, Any]:
    """What the figures panel shows: the selector's figures (None: none, because of
    `errors`, a PreviewForm's) plus their words."""
    if preview is None:
        return {"preview": None, "preview_errors": _error_lines(errors)}
    metric = preview["metric"]
    digits = _decimals(metric)
    detectable = preview["detectable"]
    return {
        "preview": preview,
        "preview_errors": [],
        "metric_label": GoalMetric(metric).label,
        "suggested": None if preview["value"] is None else round(preview["value"], digits),
        "expected": None if preview["expected_n"] is None else round(preview["expected_n"]),
        "per_day": f"{preview['per_day']:.1f}",
        "change": None if detectable is None else f"±{detectable:.{digits}f}",
        "change_units": CHANGE_UNITS.get(metric, ""),
        "counted": counted(metric),
        "test_name": TEST_NAMES[preview["test"]],
        "strip": _strip(preview),
    }


def _figures(data: MultiValueDict, *, today: Any) -> dict[str, Any]:
    form = PreviewForm(data)
    if not form.is_valid() and set(form.errors) == {"target"}:
        # The page says what is wrong with the target next to it; the figures stand without.
        data = data.copy()
        data.pop("target")
        form = PreviewForm(data)
    if not form.is_valid():
        return figures_context(None, form.errors)
    return figures_context(goal_preview(**form.preview_args(), today=today))


def _as_data(values: dict[str, Any]) -> MultiValueDict:
    """Initial values as form data (lists for the multiple choices)."""
    return MultiValueDict(
        {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in values.items()}
    )


def _initial_from(data: MultiValueDict) -> dict[str, Any]:
    """Posted values as the initial values of an unbound form (shown as typed, no errors)."""
    fields = GoalForm.base_fields
    multiple = {
        name
        for name, field in fields.items()
        if getattr(field.widget, "allow_multiple_selected", False)
    }
    return {name: data.getlist(name) if name in multiple else data.get(name) for name in fields}


def _goal_initial(goal: Goal) -> dict[str, Any]:
    wanted = [d.slug for d in goal.departments.all()]
    pending = goal.invitations.filter(status=InvitationStatus.PENDING)
    wanted += list(pending.values_list("department__slug", flat=True))
    return {
        "name": goal.name,
        "description": goal.description,
        "metric": goal.metric,
        "baseline": goal.baseline,
        "target": goal.target,
        "stretch": goal.stretch,
        "start": goal.start,
        "end": goal.end,
        "min_n": goal.min_n,
        "channels": [c.slug for c in goal.scope_channels.all()],
        "handled_by": list(goal.scope_handled_by or []),
        "departments": sorted(set(wanted)),
    }


def _new_initial(user: Any) -> dict[str, Any]:
    led = Department.objects.filter(pk__in=led_department_ids(user)).values_list("slug", flat=True)
    return {"metric": "nps", "min_n": 30, "departments": list(led)}


def _rerendered(data: MultiValueDict, today: Any) -> MultiValueDict:
    """The posted form after a re-render button: a preset fills the dates, "Use as baseline"
    the baseline."""
    data = data.copy()
    key = data.get("preset")
    if key in periods.PRESETS:
        period = periods.preset(key, today)
        data["start"], data["end"] = period.start.isoformat(), period.end.isoformat()
    if data.get("use_baseline"):
        data["baseline"] = data["use_baseline"]
    return data


def _save(request: HttpRequest, form: GoalForm, goal: Goal | None) -> Goal | None:
    """Create or update through the services; None (errors on the form) when refused."""
    values = form.service_values()
    before = set()
    if goal is not None:
        pending = goal.invitations.filter(status=InvitationStatus.PENDING)
        before = set(pending.values_list("department_id", flat=True))
    try:
        # Which departments a lead may commit is their own choice on this form, so the rule's
        # refusal is shown next to "Departments taking part" rather than as a 403 page.
        owner = goal.owner if goal is not None else request.user
        goal_services.check_goal(request.user, departments=values["departments"], owner=owner)
    except goal_services.NotAllowed as exc:
        form.add_error("departments", str(exc))
        return None
    try:
        if goal is None:
            saved = goal_services.create_goal(actor=request.user, **values)
        else:
            saved = goal_services.update_goal(goal=goal, actor=request.user, **values)
    except goal_services.InvalidInput as exc:
        form.add_service_errors(exc.errors)
        return None
    except goal_services.StateConflict as exc:
        form.add_error(None, str(exc))
        return None
    except goal_services.NotAllowed as exc:
        raise refused(exc) from exc
    messages.success(request, f"Goal “{saved.name}” saved.")
    invited = (
        saved.invitations.filter(status=InvitationStatus.PENDING)
        .exclude(department_id__in=before)
        .select_related("department")
        .order_by("department__name")
    )
    for invitation in invited:
        messages.info(
            request,
            f"{invitation.department.name} has been invited; it takes part once one of its "
            "leads accepts.",
        )
    return saved


def _editor(request: HttpRequest, goal: Goal | None) -> HttpResponse:
    today = local_today()
    scope = [] if goal is None else [d.slug for d in goal.scope_departments.all()]
    owner = goal.owner if goal is not None else request.user
    if request.method == "POST" and not any(name in request.POST for name in RERENDER):
        form = GoalForm(request.POST, owner=owner)
        if form.is_valid() and (saved := _save(request, form, goal)) is not None:
            return redirect(f"/goals/{saved.pk}")
        data = request.POST
    elif request.method == "POST":
        data = _rerendered(request.POST, today)
        form = GoalForm(initial=_initial_from(data), owner=owner)
    else:
        initial = _goal_initial(goal) if goal is not None else _new_initial(request.user)
        form = GoalForm(initial=initial, owner=owner)
        data = _as_data({k: v for k, v in initial.items() if v is not None})
    data = data.copy()
    data.setlist("scope_departments", scope)
    context = {
        "form": form,
        "goal": goal,
        "title": f"Edit “{goal.name}”" if goal is not None else "New goal",
        "presets": periods.presets(today),
        "scope_departments": " ".join(scope),
        **_figures(data, today=today),
    }
    return render(request, "workspace/goal_form/form.html", context)


@writer_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@writer_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=pk)
    try:
        goal_services.check_goal_before(request.user, goal)
    except goal_services.NotAllowed as exc:
        raise refused(exc) from exc
    return _editor(request, goal)


@writer_required
@require_GET
def goal_preview_json(request: HttpRequest) -> JsonResponse:
    """The live figures for the fields in the query string (metric, channels, handled_by,
    scope_departments, start, end, target): the selector's figures, the suggested baseline
    and the panel rendered as ``html``; 400 with ``errors`` {field: [messages]} (and the panel
    saying so) when a field cannot be read."""
    form = PreviewForm(request.GET)
    if not form.is_valid():
        html = render_to_string(FIGURES_TEMPLATE, figures_context(None, form.errors), request)
        return JsonResponse({"errors": form.errors, "html": html}, status=400)
    context = figures_context(goal_preview(**form.preview_args(), today=local_today()))
    html = render_to_string(FIGURES_TEMPLATE, context, request)
    return JsonResponse(
        {**context["preview"], "suggested_baseline": context["suggested"], "html": html},
        encoder=DjangoJSONEncoder,
    )


urlpatterns = [
    path("goals/new", goal_new, name="goal-new"),
    path("goals/preview", goal_preview_json, name="goal-preview"),
    path("goals/<int:pk>/edit", goal_edit, name="goal-edit"),
]
