"""Server-rendered pages: the summary home page and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cxmetrics.models import Metric
from cxmetrics.roles import can_read_figures
from cxmetrics.selectors import metric_summary


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
    """Database and broker reachability; 503 when either is down. Public, reveals no data."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any database failure
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "eager (no broker configured)"
    else:
        from cxmetrics.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001 - report any broker failure
            checks["broker"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" or value.startswith("eager") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503
    )
