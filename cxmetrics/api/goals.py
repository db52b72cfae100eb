"""Goals, incentive plans, alignment and audit endpoints. Thin: validate, call one service or
selector, respond. Field problems are 400s, role problems 403s, state conflicts 409s.

Who may write what is decided by the services (cxmetrics.services.goals_access), on the object
as stored and as it will be; views call the "as stored" check first so that a write to an
object the caller may not touch is refused before its fields are looked at."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import ProtectedError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cxmetrics.api import goals_permissions as perms
from cxmetrics.api.goals_schema import (
    ATTAINMENT_EXAMPLE,
    AUDIT_EXAMPLE,
    CONFLICT,
    ERRORS,
    NOT_FOUND,
    PROGRESS_EXAMPLE,
    WRITE_ERRORS,
)
from cxmetrics.api.goals_serializers import (
    AlignmentQuerySerializer,
    AsOfQuerySerializer,
    AuditQuerySerializer,
    GoalListQuerySerializer,
    GoalSerializer,
    GoalSnapshotSerializer,
    IncentivePlanSerializer,
    PlanListQuerySerializer,
)
from cxmetrics.localtime import local_day
from cxmetrics.selectors import goals as goal_selectors
from cxmetrics.selectors.goals_audit import audit_log
from cxmetrics.services import goals as goal_services

ID_REGEX = r"[0-9]{1,15}"


def _query(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _as_of(request: Request) -> date:
    return _query(AsOfQuerySerializer, request).get("as_of") or local_day(timezone.now())


def _invalid(exc: goal_services.InvalidInput) -> ValidationError:
    return ValidationError(exc.errors)


def _refused(exc: goal_services.NotAllowed) -> PermissionDenied:
    return PermissionDenied(str(exc))


def _conflict(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_409_CONFLICT)


@extend_schema_view(
    list=extend_schema(
        summary="List goals",
        parameters=[GoalListQuerySerializer],
        responses={200: GoalSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary="Create a goal (team leads: for a department they lead; they own it)",
        responses={201: GoalSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "A shared NPS goal",
                request_only=True,
                value={
                    "name": "NPS >= 45 across all channels by Q4",
                    "metric": "nps",
                    "baseline": 30,
                    "target": 45,
                    "stretch": 55,
                    "start": "2026-09-01",
                    "end": "2026-12-31",
                    "departments": ["support", "product", "stores"],
                },
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One goal", responses={200: GoalSerializer, **ERRORS, **NOT_FOUND}
    ),
    update=extend_schema(
        summary="Replace a goal (owner or admin)",
        responses={200: GoalSerializer, **WRITE_ERRORS, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Change a goal, e.g. its target (owner or admin)",
        responses={200: GoalSerializer, **WRITE_ERRORS, **NOT_FOUND},
        examples=[OpenApiExample("Raise the target", request_only=True, value={"target": 48})],
    ),
    destroy=extend_schema(
        summary="Delete a goal no plan pays on (owner or admin)",
        responses={204: None, **ERRORS, **NOT_FOUND, **CONFLICT},
    ),
)
class GoalViewSet(viewsets.GenericViewSet):
    serializer_class = GoalSerializer
    permission_classes = [perms.CanReadGoals]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return goal_selectors.goals_queryset()

    def list(self, request: Request) -> Response:
        params = _query(GoalListQuerySerializer, request)
        goals = goal_selectors.goals_list(as_of=local_day(timezone.now()), **params)
        return Response(GoalSerializer(goals, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(GoalSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        serializer = GoalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            goal = goal_services.create_goal(actor=request.user, **serializer.validated_data)
        except goal_services.InvalidInput as exc:
            raise _invalid(exc) from exc
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        goal = self.get_queryset().get(pk=goal.pk)
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    def _change(self, request: Request, *, partial: bool) -> Response:
        goal = self.get_object()
        try:
            goal_services.check_goal_before(request.user, goal)
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        serializer = GoalSerializer(goal, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            goal_services.update_goal(goal=goal, actor=request.user, **serializer.validated_data)
        except goal_services.InvalidInput as exc:
            raise _invalid(exc) from exc
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        return Response(GoalSerializer(self.get_queryset().get(pk=goal.pk)).data)

    def update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        goal = self.get_object()
        try:
            goal_services.delete_goal(goal=goal, actor=request.user)
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        except (goal_services.StateConflict, ProtectedError) as exc:
            return _conflict(str(exc.args[0]) if exc.args else "Goal in use.")
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="A goal's progress: value, n, 95% interval, expected value and status",
        parameters=[AsOfQuerySerializer],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, examples=[OpenApiExample("At risk", value=PROGRESS_EXAMPLE)]
            ),
            **ERRORS,
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        as_of = _as_of(request)
        return Response(goal_selectors.goal_progress(goal=self.get_object(), as_of=as_of))

    @extend_schema(
        summary="A goal's nightly snapshots, oldest first",
        responses={200: GoalSnapshotSerializer(many=True), **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        return Response(goal_selectors.goal_history(goal=self.get_object()))


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
                value={
                    "name": "Support H2 incentive",
                    "department": "support",
                    "period_start": "2026-07-01",
                    "period_end": "2026-12-31",
                    "components": [
                        {"goal": 1, "weight": 60, "threshold": 20, "target": 40, "stretch": 60},
                        {"goal": 2, "weight": 40, "threshold": 70, "target": 80, "stretch": 90},
                    ],
                },
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
        params = _query(PlanListQuerySerializer, request)
        plans = goal_selectors.plans_list(**params)
        return Response(IncentivePlanSerializer(plans, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(IncentivePlanSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        serializer = IncentivePlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        components = _components(data.pop("components"))
        try:
            plan = goal_services.create_plan(actor=request.user, components=components, **data)
        except goal_services.InvalidInput as exc:
            raise _invalid(exc) from exc
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(IncentivePlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def _change(self, request: Request, *, partial: bool) -> Response:
        plan = self.get_object()
        try:
            goal_services.check_plan_before(request.user, plan)
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        serializer = IncentivePlanSerializer(plan, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        components = changes.pop("components", None)
        try:
            goal_services.update_plan(
                plan=plan,
                actor=request.user,
                components=_components(components) if components is not None else None,
                **changes,
            )
        except goal_services.InvalidInput as exc:
            raise _invalid(exc) from exc
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        except goal_services.StateConflict as exc:
            return _conflict(str(exc))
        return Response(IncentivePlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    def update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        try:
            goal_services.delete_plan(plan=plan, actor=request.user)
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        except goal_services.StateConflict as exc:
            return _conflict(str(exc))
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
                examples=[OpenApiExample("Worked example", value=ATTAINMENT_EXAMPLE)],
            ),
            **ERRORS,
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def attainment(self, request: Request, pk: str) -> Response:
        as_of = _as_of(request)
        return Response(goal_selectors.plan_attainment(plan=self.get_object(), as_of=as_of))

    @extend_schema(
        summary="Close the period: freeze a payout statement that never changes",
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
        try:
            goal_services.close_period(plan=plan, actor=request.user)
        except goal_services.NotAllowed as exc:
            raise _refused(exc) from exc
        except goal_services.StateConflict as exc:
            return _conflict(str(exc))
        plan = self.get_queryset().get(pk=plan.pk)
        result = goal_selectors.plan_attainment(plan=plan, as_of=plan.period_end)
        return Response(result, status=status.HTTP_201_CREATED)


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
        as_of = _query(AlignmentQuerySerializer, request).get("as_of")
        return Response(goal_selectors.alignment(as_of=as_of or local_day(timezone.now())))


class AuditView(APIView):
    permission_classes = [perms.CanReadGoals]

    @extend_schema(
        summary="Audit trail of goals, plans and components: who, when, before and after",
        parameters=[AuditQuerySerializer],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                examples=[OpenApiExample("A target raised", value=AUDIT_EXAMPLE)],
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        return Response(audit_log(**_query(AuditQuerySerializer, request)))
