from django.apps import AppConfig


class CxmetricsConfig(AppConfig):
    name = "cxmetrics"
    verbose_name = "cxmetrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the Celery tasks in every process (web too: cxmetrics.enqueue queues them
        # by name). Workers would find them by autodiscovery; a web process never runs it.
        # SQLite has no percentile: its connections get the median aggregate (cxmetrics.sqlmedian).
        from django.db.backends.signals import connection_created

        from cxmetrics import tasks  # noqa: F401
        from cxmetrics.sqlmedian import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="cx-sqlite-median")
