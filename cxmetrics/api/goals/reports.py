"""Read-only reports over goals and plans: alignment (who is paid on the same outcomes) and
the audit trail."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cxmetrics.api.goals import examples
from cxmetrics.api.goals import permissions as perms
from cxmetrics.api.goals.schema import ERRORS
from cxmetrics.api.goals.serializers import (
    AlignmentQuerySerializer,
    AuditQuerySerializer,
)
from cxmetrics.api.goals.shared import (
    query_params,
)
from cxmetrics.localtime import local_day
from cxmetrics.selectors import goals as goal_selectors
from cxmetrics.selectors.goals_audit import audit_log


class AlignmentView(APIView):
    permission_classes = [perms.CanReadGoals]

    @extend_schema(
        summary="Who is paid on the same customer outcomes",
        description=(
            "Per department the share of its incentive weight tied to shared goals (goals "
            "with two or more participating departments), and a matrix of departments by "
            "shared goals with the weights, for plans whose period contains `as_of`."
        ),
        parameters=[
            AlignmentQuerySerializer,
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        as_of = query_params(AlignmentQuerySerializer, request).get("as_of")
        return Response(goal_selectors.alignment(as_of=as_of or local_day(timezone.now())))


class AuditView(APIView):
    permission_classes = [perms.CanReadGoals]

    @extend_schema(
        summary="Audit trail of goals, plans and components: who, when, before and after",
        parameters=[AuditQuerySerializer],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                examples=[OpenApiExample("A target raised", value=examples.AUDIT)],
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        return Response(audit_log(**query_params(AuditQuerySerializer, request)))
