"""Integrator and reader endpoints under /api/v1/ (no trailing slashes)."""

from django.urls import path

from cxmetrics.api import ingest_views, privacy, tokens
from cxmetrics.api.responses import views

urlpatterns = [
    path("responses", views.ResponsesView.as_view(), name="api-responses"),
    path("metrics/summary", views.SummaryView.as_view(), name="api-metrics-summary"),
    path("metrics/compare", views.CompareView.as_view(), name="api-metrics-compare"),
    path("departments", views.DepartmentsView.as_view(), name="api-departments"),
    path("channels", views.ChannelsView.as_view(), name="api-channels"),
    path("sources", views.SourcesView.as_view(), name="api-sources"),
    path("auth/token", tokens.TokenCreateView.as_view(), name="api-auth-token"),
    path("auth/logout", tokens.TokenLogoutView.as_view(), name="api-auth-logout"),
    path("auth/logoutall", tokens.TokenLogoutAllView.as_view(), name="api-auth-logoutall"),
    path(
        "ingest/delighted", ingest_views.DelightedIngestView.as_view(), name="api-ingest-delighted"
    ),
    path("ingest/zendesk", ingest_views.ZendeskIngestView.as_view(), name="api-ingest-zendesk"),
    path("ingest/typeform", ingest_views.TypeformIngestView.as_view(), name="api-ingest-typeform"),
    path(
        "ingest/qualtrics",
        ingest_views.QualtricsIngestView.as_view(),
        name="api-ingest-qualtrics",
    ),
    path("privacy/erase", privacy.EraseCustomerView.as_view(), name="api-privacy-erase"),
]
