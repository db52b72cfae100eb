"""Workspace pages: department scorecards (see workspace/__init__.py).

``/scorecards/`` lists every department's figures, ``/scorecards/<slug>`` one department's
goals, plans and why each component pays what it pays. Readers only (executives, team leads,
admins); the figures are `cxmetrics.selectors.scorecards`'."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.selectors.scorecards import scorecard, scorecards
from workspace.access import reader_required
from workspace.curves import component_figure


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
        error_messages={"invalid": "Enter a date like 2026-03-31."},
    )


def _as_of(request: HttpRequest) -> tuple[AsOfForm, date]:
    """The date the page is read on: the form's, else today (in the organisation's zone)."""
    form = AsOfForm(request.GET or None)
    chosen = form.cleaned_data["as_of"] if form.is_valid() else None
    return form, chosen or local_day(timezone.now())


@reader_required
def scorecards_page(request: HttpRequest) -> HttpResponse:
    form, as_of = _as_of(request)
    context: dict[str, Any] = {"form": form, "as_of": as_of, "cards": scorecards(as_of=as_of)}
    return render(request, "workspace/scorecards/list.html", context)


@reader_required
def scorecard_page(request: HttpRequest, slug: str) -> HttpResponse:
    form, as_of = _as_of(request)
    card = scorecard(slug=slug, as_of=as_of)
    if card is None:
        raise Http404("No such department.")
    for plan in card["plans"]:
        for i, component in enumerate(plan["components"], start=1):
            component["svg"] = component_figure(
                component,
                confidence_gate=plan["confidence_gate"],
                dom_id=f"curve-{plan['plan_id']}-{i}",
            )
    context: dict[str, Any] = {"form": form, "as_of": as_of, "card": card}
    return render(request, "workspace/scorecards/detail.html", context)


urlpatterns = [
    path("scorecards/", scorecards_page, name="scorecards"),
    path("scorecards/<slug:slug>", scorecard_page, name="scorecard"),
]
