"""Goals, incentive plans, alignment and audit endpoints under /api/v1/ (no trailing slashes)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from cxmetrics.api.goals.goals import GoalViewSet
from cxmetrics.api.goals.plans import IncentivePlanViewSet
from cxmetrics.api.goals.reports import AlignmentView, AuditView

router = SimpleRouter(trailing_slash=False)
router.register("goals", GoalViewSet, basename="goal")
router.register("incentive-plans", IncentivePlanViewSet, basename="incentive-plan")

urlpatterns = [
    *router.urls,
    path("alignment", AlignmentView.as_view(), name="alignment"),
    path("audit", AuditView.as_view(), name="audit"),
]
