"""The Celery app. Eager (in-process) unless CELERY_BROKER_URL is set; see settings.py."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmetrics.settings")

app = Celery("cxmetrics")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_mixed_days(**_kwargs):  # type: ignore[no-untyped-def]
    """A worker does not start while the stored days are in another zone than CX_TIME_ZONE
    (services.days.ensure_day_zone names the command that fixes it)."""
    from cxmetrics.services.days import ensure_day_zone

    ensure_day_zone()
