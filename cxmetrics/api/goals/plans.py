"""Incentive plan endpoints: list, read, write, attainment and closing a period. Thin: validate,
call one service or selector, respond (see goals.shared for the error answers)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cxmetrics.api.goals import examples
from cxmetrics.api.goals import permissions as perms
from cxmetrics.api.goals.schema import CONFLICT, ERRORS, NOT_FOUND, WRITE_ERRORS
from cxmetrics.api.goals.serializers import (
    AsOfQuerySerializer,
    IncentivePlanSerializer,
    PlanListQuerySerializer,
)
from cxmetrics.api.goals.shared import (
    ID_REGEX,
    as_of_param,
    query_params,
    service_answers,
)
from cxmetrics.selectors import goals as goal_selectors
from cxmetrics.services import goals as goal_services


def _components(data: list[dict[str, Any]]) -> list[goal_services.ComponentIn]:
    return [goal_services.ComponentIn(**item) for item in data]


@extend_schema_view(
    list=extend_schema(
        summary="List incentive plans",
        parameters=[PlanListQuerySerializer],
        responses={200: IncentivePlanSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary="Create a plan for a department you lead (weights sum to 100)",
        responses={201: IncentivePlanSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "60% on a shared NPS goal, 40% on CSAT",
                request_only=True,
                value=examples.PLAN_CREATE,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One plan with its components",
        responses={200: IncentivePlanSerializer, **ERRORS, **NOT_FOUND},
    ),
    update=extend_schema(
        summary="Replace an open plan and its components",
        responses={200: IncentivePlanSerializer, **WRITE_ERRORS, **NOT_FOUND, **CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change an open plan; `components` (if given) replaces them all",
        responses={200: IncentivePlanSerializer, **WRITE_ERRORS, **NOT_FOUND, **CONFLICT},
    ),
    destroy=extend_schema(
        summary="Delete an open plan",
        responses={204: None, **ERRORS, **NOT_FOUND, **CONFLICT},
    ),
)
class IncentivePlanViewSet(viewsets.GenericViewSet):
    serializer_class = IncentivePlanSerializer
    permission_classes = [perms.CanReadGoals]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return goal_selectors.plans_queryset()

    def list(self, request: Request) -> Response:
        params = query_params(PlanListQuerySerializer, request)
        plans = goal_selectors.plans_list(**params)
        return Response(IncentivePlanSerializer(plans, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(IncentivePlanSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        serializer = IncentivePlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        components = _components(data.pop("components"))
        with service_answers():
            plan = goal_services.create_plan(actor=request.user, components=components, **data)
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(IncentivePlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def _change(self, request: Request, *, partial: bool) -> Response:
        plan = self.get_object()
        with service_answers():
            goal_services.check_plan_before(request.user, plan)
        serializer = IncentivePlanSerializer(plan, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        components = changes.pop("components", None)
        with service_answers():
            goal_services.update_plan(
                plan=plan,
                actor=request.user,
                components=_components(components) if components is not None else None,
                **changes,
            )
        return Response(IncentivePlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    def update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        with service_answers():
            goal_services.delete_plan(plan=plan, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Attainment: per component measured value, payout and contribution; plan total",
        description=(
            "With the confidence gate on, a component is paid on the lower bound of the 95% "
            "interval; below the plan's minimum n it is `pending` (never 0 or 100) and "
            "`total_pct` is null until every component is paid. A closed plan returns its "
            "frozen statement (`source: statement`) and the late data received since."
        ),
        parameters=[AsOfQuerySerializer],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                examples=[OpenApiExample("Worked example", value=examples.ATTAINMENT)],
            ),
            **ERRORS,
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def attainment(self, request: Request, pk: str) -> Response:
        as_of = as_of_param(request)
        return Response(goal_selectors.plan_attainment(plan=self.get_object(), as_of=as_of))

    @extend_schema(
        summary="Close the period (admins only): freeze a payout statement that never changes",
        request=None,
        responses={
            201: OpenApiResponse(OpenApiTypes.OBJECT, description="The plan's statement."),
            **ERRORS,
            **NOT_FOUND,
            **CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        with service_answers():
            goal_services.close_period(plan=plan, actor=request.user)
        plan = self.get_queryset().get(pk=plan.pk)
        result = goal_selectors.plan_attainment(plan=plan, as_of=plan.period_end)
        return Response(result, status=status.HTTP_201_CREATED)
