"""Mounting point of the Dash app: every path under /dashboards/ goes to one Django view."""

from django.urls import re_path

from dashboards import views

urlpatterns = [
    re_path(r"^dashboards/(?P<path>.*)$", views.dash, name="dashboards"),
]
