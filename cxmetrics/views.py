"""Server-rendered pages: the summary home page and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cxmetrics.models import Metric
from cxmetrics.roles import can_read_figures
from cxmetrics.selectors import metric_summary
from cxmetrics.selectors.pipeline import pipeline_health


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The page after login: the dashboards' overview for readers of figures, the API
    documentation for integrators. /summary stays the server-rendered, no-JavaScript view."""
    return redirect("/dashboards/" if can_read_figures(request.user) else "/api/docs/")


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    """NPS, CSAT, CES and sentiment with n and margin, overall and per channel."""
    if not can_read_figures(request.user):
        raise PermissionDenied("Your role does not give access to figures.")
    tables = []
    for metric in Metric:
        overall = metric_summary(metric=metric)
        tables.append(
            {
                "metric": metric,
                "overall": overall[0] if overall else None,
                "channels": metric_summary(metric=metric, group_by="channel"),
            }
        )
    return render(
        request,
        "cxmetrics/home.html",
        {"tables": tables, "low_n": settings.CX_LOW_SAMPLE_N},
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker, worker liveness and pipeline lag; 503 past the thresholds of settings
    (CX_HEALTH_*). Public: it reveals ages and counts only, never data. Cost: six queries."""
    checks: dict[str, object] = {}
    problems: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any database failure
        checks["database"] = f"error: {type(exc).__name__}"
        problems.append("database")
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    if eager:
        checks["broker"] = "eager (no broker configured)"
    else:
        checks["broker"] = _broker_check()
        if checks["broker"] != "ok":
            problems.append("broker")
    if checks["database"] == "ok":
        problems += _pipeline_checks(checks, eager=eager)
    return JsonResponse(
        {"status": "degraded" if problems else "ok", **checks, "problems": problems},
        status=503 if problems else 200,
    )


def _broker_check() -> str:
    from cxmetrics.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001 - report any broker failure
        return f"error: {type(exc).__name__}"


def _pipeline_checks(checks: dict[str, object], *, eager: bool) -> list[str]:
    """Add the pipeline's figures to `checks`; return the names of those past a threshold."""
    health = pipeline_health(now=timezone.now(), with_workers=not eager)
    problems = []
    if eager:
        checks["worker"] = "eager"
    else:
        max_age = settings.CX_HEALTH_WORKER_MAX_AGE
        alive = health.worker_age is not None and health.worker_age <= max_age
        checks["worker"] = "ok" if alive else "no heartbeat"
        checks["worker_heartbeat_age_s"] = health.worker_age
        if not alive:
            problems.append("worker")
    checks["oldest_unscored_comment_age_s"] = health.unscored_comment_age
    checks["oldest_pending_rollup_note_age_s"] = health.pending_rollup_note_age
    checks["parked_tasks"] = health.parked_tasks
    checks["skipped_comments"] = health.skipped_comments
    if health.unscored_comment_age > settings.CX_HEALTH_MAX_LAG:
        problems.append("oldest_unscored_comment_age_s")
    if health.pending_rollup_note_age > settings.CX_HEALTH_MAX_LAG:
        problems.append("oldest_pending_rollup_note_age_s")
    if health.parked_tasks > settings.CX_HEALTH_MAX_PARKED:
        problems.append("parked_tasks")
    return problems
