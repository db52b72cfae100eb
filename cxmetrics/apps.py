from django.apps import AppConfig


class CxmetricsConfig(AppConfig):
    name = "cxmetrics"
    verbose_name = "cxmetrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the Celery tasks in every process (web too: cxmetrics.enqueue queues them
        # by name). Workers would find them by autodiscovery; a web process never runs it.
        from cxmetrics import tasks  # noqa: F401
