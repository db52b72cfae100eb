from django.apps import AppConfig


class CxmetricsConfig(AppConfig):
    name = "cxmetrics"
    verbose_name = "cxmetrics"
    default_auto_field = "django.db.models.BigAutoField"
