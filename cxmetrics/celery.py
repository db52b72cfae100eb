"""The Celery app. Eager (in-process) unless CELERY_BROKER_URL is set; see settings.py.

Every task is a `GuardedTask`: a message whose deliveries keep killing the worker, or that
failed for good, is parked in the database (`TaskAttempt`, visible in the admin and /healthz)
instead of being redelivered for ever.
"""

import os
import sys
import traceback

from celery import Celery, Task
from celery.exceptions import Retry
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmetrics.settings")


class GuardedTask(Task):
    """A task whose deliveries are counted in the database before its work starts.

    With acks_late and reject_on_worker_lost a message comes back after its worker died (kill
    -9, out of memory): `services.workers.begin_attempt` counts it, committed, and parks it
    after settings.CX_TASK_MAX_ATTEMPTS deliveries. A Celery retry forgets the count (retries
    have their own bound, max_retries). A task that fails for good, including at its hard time
    limit, is parked at once (`on_failure`). Eager runs (development, tests) and direct calls
    are not counted: no message can come back.
    """

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        request = self.request
        if request.id is None or request.is_eager:
            return super().__call__(*args, **kwargs)
        from cxmetrics.services import workers

        if not workers.begin_attempt(
            task_id=request.id, task_name=self.name, args=list(args), kwargs=dict(kwargs)
        ):
            return None  # parked: acknowledged, not run
        # The tracer has pushed this delivery's request already; Task.__call__ would push a
        # bare one (no id), under which autoretry's self.retry() would raise instead of retry.
        try:
            result = self.run(*args, **kwargs)
        except Retry:
            workers.end_attempt(task_id=request.id)
            raise
        workers.end_attempt(task_id=request.id)
        return result

    def on_failure(self, exc, task_id, args, kwargs, einfo):  # type: ignore[no-untyped-def]
        if self.request.is_eager:
            return
        from cxmetrics.services import workers

        error = "".join(traceback.format_exception_only(exc)).strip()
        if einfo is not None and einfo.traceback:
            error = f"{einfo.traceback.strip()}"
        try:
            workers.park(
                task_id=task_id,
                task_name=self.name,
                args=list(args or []),
                kwargs=dict(kwargs or {}),
                error=error,
            )
        # The database may be what failed; never mask the task's own error.
        except Exception:
            import logging

            logging.getLogger(__name__).exception("Could not park %s[%s]", self.name, task_id)


app = Celery("cxmetrics", task_cls=GuardedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_mixed_days(**_kwargs):  # type: ignore[no-untyped-def]
    """A worker does not start while the stored days are in another zone than CX_TIME_ZONE
    (services.days.ensure_day_zone names the command that fixes it)."""
    from django.core.exceptions import ImproperlyConfigured

    from cxmetrics.services.days import ensure_day_zone

    # Celery catches and only logs what a signal handler raises, and would start the worker
    # anyway: say why and leave the process instead.
    try:
        ensure_day_zone()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"cxmetrics: {exc}\n")
        sys.stderr.flush()
        os._exit(78)  # EX_CONFIG
