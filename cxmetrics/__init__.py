"""cxmetrics: one organisation's customer-experience outcomes in one place."""

from .celery import app as celery_app

__all__ = ["celery_app"]
