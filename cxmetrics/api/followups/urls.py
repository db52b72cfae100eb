"""Follow-up endpoints under /api/v1/ (no trailing slashes)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from cxmetrics.api.followups import views

router = SimpleRouter(trailing_slash=False)
router.register("followup-rules", views.FollowUpRuleViewSet, basename="followup-rule")

urlpatterns = [
    path("followups", views.FollowUpListView.as_view(), name="api-followups"),
    path("followups/summary", views.FollowUpSummaryView.as_view(), name="api-followups-summary"),
    path("followups/<int:pk>", views.FollowUpDetailView.as_view(), name="api-followup"),
    path("root-causes", views.RootCausesView.as_view(), name="api-root-causes"),
    *router.urls,
]
