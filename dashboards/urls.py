"""Mounting point of the Dash app: every path under /dashboards/ goes to one Django view."""

urlpatterns: list = []
