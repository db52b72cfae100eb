"""Workspace pages: the team leads' follow-up queue (/followups/) and one follow-up
(/followups/<id>), each reading on GET and acting on POST to the same address.

Thin views: the reads are cxmetrics.selectors.followup_queue, every write is
`services.followups.update_followup` with ``actor=request.user``. Who sees what is the
services' rule (`visible_followups`): a follow-up you may not see is a 404, a POST by an
executive a 403 (they read), a change the services refuse shows their message next to the
field (400).

Bulk actions are **all or nothing**: every selected follow-up is changed through
`update_followup` in one transaction; if any of them is refused, nothing is changed and the
page lists each refused follow-up with the reason (next to the field it concerns).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cxmetrics.models import (
    Department,
    FollowUp,
    FollowUpStatus,
    HandledBy,
    Metric,
    Outcome,
    Priority,
    Role,
    SourceKind,
)
from cxmetrics.roles import is_admin, roles_of
from cxmetrics.selectors import followup_queue as queue_selectors
from cxmetrics.services import followups as services
from workspace.access import check_followup_writer, reader_required, refused
from workspace.followup_forms import (
    ANY_STATUS,
    BulkForm,
    ChangeForm,
    CloseForm,
    QueueFilterForm,
    add_service_errors,
)

__all__ = ["due_words", "handled_by_words", "score_words", "source_link", "urlpatterns"]

FIELD_WORDS = {
    "status": "status",
    "outcome": "outcome",
    "root_cause_id": "root cause",
    "assignee_id": "assignee",
    "department_id": "department",
    "note": "note",
    "first_contact_at": "first contact",
    "closed_at": "closed at",
}


# --- Words ---------------------------------------------------------------------------------


def _span(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = round(minutes / 60)
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d {hours % 24} h" if hours % 24 else f"{hours // 24} d"


def due_words(*, due_at: datetime, now: datetime, status: str, closed_at: datetime | None) -> str:
    """The due time in words: "overdue by 3 h", "due in 5 h" (to the nearest minute under an
    hour, hour under two days, then days and hours); closed ones "closed on time" or "closed
    2 h late" (closed at or before due_at is on time, as `models.on_time_q`)."""
    if status == FollowUpStatus.CLOSED:
        if closed_at is None or closed_at <= due_at:
            return "closed on time"
        return f"closed {_span(closed_at - due_at)} late"
    if now > due_at:
        return f"overdue by {_span(now - due_at)}"
    return f"due in {_span(due_at - now)}"


def score_words(metric: str, score: float | None) -> str:
    """ "NPS 3", "CSAT 1", "Sentiment -0.62"."""
    label = dict(Metric.choices).get(metric, metric)
    return f"{label} {score:g}" if score is not None else label


def handled_by_words(value: str) -> str:
    return dict(HandledBy.choices).get(value, value)


_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def source_link(
    *, kind: str, external_id: str, attributes: dict[str, Any]
) -> dict[str, Any] | None:
    """Where the response came from, built only from what ingest stored: {"text", "href"}
    (href None when it cannot be built), or None for sources without a ticket or response.

    Zendesk: the ticket id (`attributes.ticket_id`); the link needs the account's subdomain
    (`attributes.zendesk_subdomain`), which the parser does not store today, so the id is
    shown without a link. Typeform: the response's token (the external id before ':') and
    the form id; Typeform documents no address of one response, so no link."""
    if kind == SourceKind.ZENDESK:
        ticket = attributes.get("ticket_id")
        if ticket is None:
            return None
        subdomain = str(attributes.get("zendesk_subdomain") or "").lower()
        href = (
            f"https://{subdomain}.zendesk.com/agent/tickets/{int(ticket)}"
            if _SUBDOMAIN.match(subdomain) and str(ticket).isdigit()
            else None
        )
        return {"text": f"Zendesk ticket {ticket}", "href": href}
    if kind == SourceKind.TYPEFORM:
        token = external_id.split(":", 1)[0]
        form = attributes.get("form_id")
        text = f"Typeform response {token}" + (f" of form {form}" if form else "")
        return {"text": text, "href": None}
    return None


# --- The queue -----------------------------------------------------------------------------


def _queue_departments(user: Any) -> list[Department]:
    """The departments of the user's queue: all for admins and executives, else led ones."""
    if is_admin(user) or Role.EXECUTIVE in roles_of(user):
        return list(Department.objects.order_by("name"))
    return list(user.led_departments.order_by("name"))


def _filters(form: QueueFilterForm, user: Any) -> queue_selectors.QueueFilters:
    status = form.value("status") or queue_selectors.NOT_CLOSED
    overdue = form.value("overdue")
    return queue_selectors.QueueFilters(
        departments=(form.value("department"),) if form.value("department") else (),
        statuses=() if status == ANY_STATUS else (status,),
        overdue={"yes": True, "no": False}.get(overdue or ""),
        assignee_id=user.pk if form.value("mine") else None,
    )


def _row_words(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        **row,
        "due_words": due_words(
            due_at=row["due_at"], now=now, status=row["status"], closed_at=row["closed_at"]
        ),
        "score_words": score_words(row["metric"], row["score"]),
        "handled_by_words": handled_by_words(row["handled_by"]),
        "status_words": FollowUpStatus(row["status"]).label,
        "priority_words": Priority(row["priority"]).label,
        "truncated": row["comment_length"] > len(row["comment"]),
    }


def _page_links(request: HttpRequest, page: queue_selectors.QueuePage) -> dict[str, str | None]:
    def at(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    return {
        "previous": at(page.number - 1) if page.has_previous else None,
        "next": at(page.number + 1) if page.has_next else None,
    }


def _bulk(request: HttpRequest, form: BulkForm, selected: list[int]) -> dict[int, list[str]]:
    """Apply the form to the selected follow-ups, all or nothing: {id: reasons} of those
    refused (then nothing was changed), {} when all were changed. Ids the user may not see
    are a 404 (nothing changed)."""
    found = {f.pk: f for f in services.visible_followups(request.user).filter(pk__in=selected)}
    if len(found) != len(selected):
        raise Http404("No such follow-up.")
    changes = form.changes()
    refusals: dict[int, list[str]] = {}
    by_reason: dict[tuple[str | None, str], list[int]] = {}
    with transaction.atomic():
        for pk in selected:
            try:
                services.update_followup(followup=found[pk], actor=request.user, changes=changes)
            except services.NotAllowed as exc:
                raise refused(exc) from exc  # rolls the whole batch back
            except services.InvalidInput as exc:
                refusals[pk] = [m for ms in exc.errors.values() for m in ms]
                for field, reasons in exc.errors.items():
                    key = field if field in form.fields else None
                    for reason in reasons:
                        by_reason.setdefault((key, reason), []).append(pk)
        if refusals:
            transaction.set_rollback(True)
    for (key, reason), pks in by_reason.items():
        noun = "follow-up" if len(pks) == 1 else "follow-ups"
        form.add_error(key, f"{reason} ({noun} {', '.join(map(str, pks))})")
    return refusals


def _done_words(changes: dict[str, Any], count: int) -> str:
    what = []
    if "assignee" in changes:
        who = changes["assignee"]
        what.append(f"assigned to {who.get_username()}" if who else "unassigned")
    if changes.get("status") == FollowUpStatus.CLOSED and changes.get("outcome"):
        what.append(f"closed as {Outcome(changes['outcome']).label.lower()}")
    elif "status" in changes:
        what.append(f"set to {FollowUpStatus(changes['status']).label.lower()}")
    elif "root_cause" in changes:
        what.append(f"given the root cause {changes['root_cause'].name}")
    noun = "follow-up" if count == 1 else "follow-ups"
    return f"{count} {noun} {' and '.join(what)}."


@require_http_methods(["GET", "POST"])
@reader_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    departments = _queue_departments(user)
    filters_form = QueueFilterForm(request.GET or None, departments=departments)
    people = list(services.assignable_people(department_ids=[d.pk for d in departments]))
    writer = services.can_change_followups(user)
    bulk_form = BulkForm(request.POST if request.method == "POST" else None, people=people)
    selected: list[int] = []
    refusals: dict[int, list[str]] = {}
    status = 200
    if request.method == "POST":
        check_followup_writer(request)
        selected = sorted({int(v) for v in request.POST.getlist("selected") if v.isdigit()})
        if not selected:
            bulk_form.is_valid()
            bulk_form.add_error(None, "Select at least one follow-up (the boxes of the rows).")
        elif bulk_form.is_valid():
            refusals = _bulk(request, bulk_form, selected)
            if not refusals:
                messages.success(request, _done_words(bulk_form.changes(), len(selected)))
                return redirect(request.get_full_path())
        status = 400
    page = queue_selectors.queue_page(
        user=user,
        filters=_filters(filters_form, user),
        page=filters_form.value("page") or 1,
        now=now,
    )
    return render(
        request,
        "workspace/followups/queue.html",
        {
            "filters": filters_form,
            "bulk": bulk_form,
            "rows": [_row_words(row, now) for row in page.rows],
            "page": page,
            "links": _page_links(request, page),
            "can_write": writer,
            "is_admin": is_admin(user),
            "selected": set(selected),
            "refusals": sorted(refusals.items()),
            "departments": departments,
        },
        status=status,
    )


# --- One follow-up -------------------------------------------------------------------------


def _history(followup: FollowUp) -> tuple[list[dict[str, Any]], int]:
    changes, total = queue_selectors.followup_changes(followup=followup)
    rows = []
    for change in changes:
        if change.opened:
            what = "opened the follow-up"
        else:
            parts = []
            for item in change.fields:
                label = FIELD_WORDS.get(item.name, item.name)
                if item.name == "note":
                    parts.append("changed the note")
                elif item.name in ("first_contact_at", "closed_at"):
                    parts.append(f"{label} {'set' if item.after else 'cleared'}")
                else:
                    before = _choice_words(item.name, item.before)
                    after = _choice_words(item.name, item.after)
                    parts.append(f"{label} {before} → {after}")
            what = "; ".join(parts) or "saved without a change"
        rows.append({"at": change.at, "who": change.who or "the pipeline", "what": what})
    return rows, total


def _choice_words(name: str, value: Any) -> str:
    if value in (None, ""):
        return "none"
    if name == "status":
        return str(FollowUpStatus(value).label).lower()
    if name == "outcome":
        return str(Outcome(value).label).lower()
    return str(value)


def _detail_context(request: HttpRequest, followup: FollowUp, now: datetime) -> dict[str, Any]:
    response = followup.response
    closed = followup.status == FollowUpStatus.CLOSED
    history, total = _history(followup)
    earlier = queue_selectors.customer_history(followup=followup)
    visible = (
        set(
            services.visible_followups(request.user)
            .filter(pk__in=[row["followup_id"] for row in earlier])
            .values_list("pk", flat=True)
        )
        if earlier
        else set()
    )
    return {
        "followup": followup,
        "response": response,
        "closed": closed,
        "due_words": due_words(
            due_at=followup.due_at, now=now, status=followup.status, closed_at=followup.closed_at
        ),
        "sla_hours": round((followup.due_at - followup.opened_at).total_seconds() / 3600, 1),
        "score_words": score_words(response.metric, response.score),
        "handled_by_words": handled_by_words(response.handled_by),
        "source_link": source_link(
            kind=response.source.kind,
            external_id=response.external_id,
            attributes=response.attributes or {},
        ),
        "links": [
            {**row, "score_words": score_words(row["metric"], row["score"])}
            for row in queue_selectors.followup_links(followup=followup)
        ],
        "earlier": [
            {
                **row,
                "visible": row["followup_id"] in visible,
                "score_words": score_words(row["metric"], row["score"]),
            }
            for row in earlier
        ],
        "history": history,
        "history_total": total,
        "history_limit": queue_selectors.HISTORY_LIMIT,
        "can_write": _may_change(request.user, followup),
    }


def _may_change(user: Any, followup: FollowUp) -> bool:
    try:
        services.check_followup_before(user, followup)
    except services.NotAllowed:
        return False
    return True


@require_http_methods(["GET", "POST"])
@reader_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    followup = queue_selectors.followup_detail(user=request.user, pk=pk, now=now)
    if followup is None:
        raise Http404("No such follow-up.")
    closed = followup.status == FollowUpStatus.CLOSED
    people = list(services.assignable_people(department_ids=[followup.department_id]))
    initial = {
        "status": followup.status,
        "assignee": str(followup.assignee_id) if followup.assignee_id else "nobody",
        "note": followup.note,
    }
    action = request.POST.get("action") if request.method == "POST" else None
    change = ChangeForm(
        request.POST if action == "change" else None, initial=initial, people=people, closed=closed
    )
    close = CloseForm(request.POST if action == "close" else None)
    if request.method == "POST":
        check_followup_writer(request)
        try:
            services.check_followup_before(request.user, followup)
        except services.NotAllowed as exc:
            raise refused(exc) from exc
        form: Any = {"change": change, "close": close}.get(action or "")
        changes: dict[str, Any] | None = None
        if action == "reopen":
            changes = {"status": FollowUpStatus.OPEN}
        elif form is not None and form.is_valid():
            changes = form.changes()
        if changes is not None:
            try:
                services.update_followup(followup=followup, actor=request.user, changes=changes)
            except services.InvalidInput as exc:
                target = form if form is not None else change
                add_service_errors(target, exc.errors)
            else:
                words = {"change": "saved", "close": "closed", "reopen": "reopened"}[action or ""]
                messages.success(request, f"Follow-up {followup.pk} {words}.")
                return redirect("followup", pk=followup.pk)
        elif form is None:
            messages.error(request, "Unknown action.")
    context = _detail_context(request, followup, now)
    status = 400 if (change.errors or close.errors) else 200
    return render(
        request,
        "workspace/followups/detail.html",
        {**context, "change": change, "close": close},
        status=status,
    )


urlpatterns = [
    path("followups/", queue, name="followups"),
    path("followups/<int:pk>", detail, name="followup"),
]
