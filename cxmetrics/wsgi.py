"""WSGI entry point (gunicorn cxmetrics.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmetrics.settings")

application = get_wsgi_application()

# Refuse to serve while the stored days are in another zone than CX_TIME_ZONE (after setup,
# so Django's apps are loaded; runserver loads this module too).
from cxmetrics.services.days import ensure_day_zone  # noqa: E402

ensure_day_zone()
