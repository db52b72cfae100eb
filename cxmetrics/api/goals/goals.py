"""Goal endpoints: list, read, write, progress and history. Thin: validate, call one service or
selector, respond. Field problems are 400s, role problems 403s, state conflicts 409s.

Who may write what is decided by the services (cxmetrics.services.goals.access), on the object
as stored and as it will be; views call the "as stored" check first so that a write to an
object the caller may not touch is refused before its fields are looked at."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
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
    GoalListQuerySerializer,
    GoalSerializer,
    GoalSnapshotSerializer,
)
from cxmetrics.api.goals.shared import (
    ID_REGEX,
    Conflict,
    as_of_param,
    query_params,
    service_answers,
)
from cxmetrics.localtime import local_day
from cxmetrics.models import GoalInvitation
from cxmetrics.selectors import goals as goal_selectors
from cxmetrics.selectors.goals_batch import goals_list
from cxmetrics.services import goals as goal_services

INVITATION_PATH = r"invitations/(?P<department_slug>[-a-zA-Z0-9_]{1,50})"
INVITED_DEPARTMENT = OpenApiParameter(
    "department_slug",
    str,
    OpenApiParameter.PATH,
    description="Slug of the invited department.",
    pattern=r"^[-a-zA-Z0-9_]{1,50}$",
)


@extend_schema_view(
    list=extend_schema(
        summary="List goals (archived ones only with ?archived=true)",
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
                value=examples.GOAL_CREATE,
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
        examples=[
            OpenApiExample("Raise the target", request_only=True, value=examples.GOAL_RAISE_TARGET)
        ],
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
        params = query_params(GoalListQuerySerializer, request)
        goals = goals_list(as_of=local_day(timezone.now()), **params)
        return Response(GoalSerializer(goals, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(GoalSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        serializer = GoalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        archived = values.pop("archived", False)
        with service_answers(), transaction.atomic():
            goal = goal_services.create_goal(actor=request.user, **values)
            if archived:
                goal_services.archive_goal(goal=goal, actor=request.user)
        goal = self.get_queryset().get(pk=goal.pk)
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    def _change(self, request: Request, *, partial: bool) -> Response:
        goal = self.get_object()
        with service_answers():
            goal_services.check_goal_before(request.user, goal)
        serializer = GoalSerializer(goal, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        archived = changes.pop("archived", goal.is_archived)
        with service_answers(), transaction.atomic():
            if changes:
                goal_services.update_goal(goal=goal, actor=request.user, **changes)
            if archived != goal.is_archived:
                goal_services.archive_goal(goal=goal, actor=request.user, archived=archived)
        return Response(GoalSerializer(self.get_queryset().get(pk=goal.pk)).data)

    def update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        goal = self.get_object()
        with service_answers():
            try:
                goal_services.delete_goal(goal=goal, actor=request.user)
            except (goal_services.StateConflict, ProtectedError) as exc:
                raise Conflict(str(exc.args[0]) if exc.args else "Goal in use.") from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="A goal's progress: value, n, 95% interval, expected value and status",
        parameters=[AsOfQuerySerializer],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, examples=[OpenApiExample("At risk", value=examples.PROGRESS)]
            ),
            **ERRORS,
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        as_of = as_of_param(request)
        return Response(goal_selectors.goal_progress(goal=self.get_object(), as_of=as_of))

    @extend_schema(
        summary="A goal's nightly snapshots, oldest first",
        responses={200: GoalSnapshotSerializer(many=True), **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        return Response(goal_selectors.goal_history(goal=self.get_object()))

    def _answer(self, request: Request, department: str, *, accept: bool) -> Response:
        goal = self.get_object()
        invitation = get_object_or_404(
            GoalInvitation.objects.select_related("department"),
            goal=goal,
            department__slug=department,
        )
        answer = goal_services.accept_invitation if accept else goal_services.decline_invitation
        with service_answers():
            answer(invitation=invitation, actor=request.user)
        return Response(GoalSerializer(self.get_queryset().get(pk=goal.pk)).data)

    @extend_schema(
        summary="Accept an invitation: the department takes part (its leads, or an admin)",
        description=(
            "The invited department joins `departments`; a plan of it may then pay on the "
            "goal. A declined invitation may still be accepted. 403 for anyone but a team lead "
            "of that department or an admin, 409 when it has already accepted."
        ),
        request=None,
        parameters=[INVITED_DEPARTMENT],
        responses={200: GoalSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
        examples=[OpenApiExample("Product takes part", value=examples.GOAL_ACCEPTED)],
    )
    @action(detail=True, methods=["post"], url_path=INVITATION_PATH + "/accept")
    def accept(self, request: Request, pk: str, department_slug: str) -> Response:
        return self._answer(request, department_slug, accept=True)

    @extend_schema(
        summary="Decline an invitation: the department does not take part",
        description=(
            "The answer is kept (`declined_departments`). A department that had accepted "
            "leaves the goal, unless its plan pays on it or it is the only one taking part "
            "(409). 403 for anyone but a team lead of that department or an admin, 409 when it "
            "has already declined."
        ),
        request=None,
        parameters=[INVITED_DEPARTMENT],
        responses={200: GoalSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path=INVITATION_PATH + "/decline")
    def decline(self, request: Request, pk: str, department_slug: str) -> Response:
        return self._answer(request, department_slug, accept=False)
