"""Follow-up endpoints. Thin: validate, call one selector or service, answer. Who reads and
changes what is cxmetrics.services.followups.access: a follow-up the caller may not see is a
404, one they see but may not change a 403 (executives), field problems 400s."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from cxmetrics.api.followups import examples
from cxmetrics.api.followups import serializers as s
from cxmetrics.api.goals.schema import CONFLICT, ERRORS, NOT_FOUND, WRITE_ERRORS
from cxmetrics.api.goals.shared import ID_REGEX, service_answers
from cxmetrics.api.ingest_views import CxAPIView
from cxmetrics.api.parsers import CSVRenderer
from cxmetrics.api.permissions import CanReadFigures
from cxmetrics.api.queries import valid_query
from cxmetrics.csvsafe import csv_text
from cxmetrics.selectors import followups as selectors
from cxmetrics.selectors.followups_summary import followups_summary
from cxmetrics.services import followups as services

TAGS = ["followups"]


class CanReadFollowUps(BasePermission):
    """Reader roles and integrators' API keys (each sees its own scope)."""

    message = "Follow-ups are for team leads, executives, admins and the source's API key."

    def has_permission(self, request: Any, view: Any) -> bool:
        return services.can_read_followups(request.user)


class CanReadRules(BasePermission):
    """Reader roles read every rule (writes are checked by the services)."""

    message = "Executives, team leads and admins only."

    def has_permission(self, request: Any, view: Any) -> bool:
        return services.can_read_rules(request.user)


def _filters(query: s.FollowUpListQuery) -> selectors.FollowUpFilters:
    data = query.validated_data
    return selectors.FollowUpFilters(
        departments=data.get("department") or (),
        statuses=(data["status"],) if data.get("status") else (),
        overdue=data.get("overdue"),
        sources=data.get("source") or (),
        external_id=data.get("external_id") or None,
    )


class FollowUpListView(CxAPIView):
    """GET /api/v1/followups: JSON pages, or the whole filtered listing as one CSV."""

    permission_classes = [CanReadFollowUps]

    def get_renderers(self) -> list[Any]:
        return [JSONRenderer(), CSVRenderer()]

    @extend_schema(
        operation_id="followups_list",
        summary="Follow-ups you may see, newest first",
        description="Admins and executives see every follow-up, team leads those of the "
        "departments they lead, an API key those of its source. Paginated with a `next` link "
        "(`page_size` up to 1,000); `?format=csv` streams the whole filtered listing instead.",
        parameters=[s.FollowUpListQuery],
        responses={
            200: OpenApiResponse(
                s.FollowUpPageSerializer,
                description="A page (JSON), or the whole listing as text/csv.",
                examples=[OpenApiExample("A page", value=examples.FOLLOWUP_PAGE)],
            ),
            **ERRORS,
        },
        tags=TAGS,
    )
    def get(self, request: Request) -> Any:
        query = valid_query(s.FollowUpListQuery, request)
        filters = _filters(query)
        if request.accepted_renderer.format == "csv":
            rows = selectors.followup_rows(user=request.user, filters=filters)
            answer = StreamingHttpResponse(
                csv_text(_with_header(rows)), content_type="text/csv; charset=utf-8"
            )
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            answer["Content-Disposition"] = f'attachment; filename="followups-{stamp}.csv"'
            return answer
        size = query.validated_data.get("page_size") or 100
        rows, more = selectors.followup_page(
            user=request.user,
            filters=filters,
            before_id=query.validated_data.get("cursor"),
            size=size,
        )
        url = request.build_absolute_uri()
        next_url = replace_query_param(url, "cursor", rows[-1]["id"]) if more else None
        return Response({"next": next_url, "previous": None, "results": rows})


def _with_header(rows: Any) -> Any:
    yield selectors.ROW_FIELDS
    yield from rows


class FollowUpSummaryView(CxAPIView):
    """GET /api/v1/followups/summary: the follow-ups' shared metric."""

    # Shared outcomes, like the dashboards: every reader role reads every department's
    # figures (a lead compares theirs with the others'); API keys and integrators do not.
    permission_classes = [CanReadFigures]

    @extend_schema(
        operation_id="followups_summary",
        summary="On-time close rate, medians, share resolved, recovery and root causes",
        description="Follow-ups opened on `start`..`end` (inclusive days of opened_at in the "
        "organisation's time zone; absent: all time), of the owner `department`, the "
        "response's `channel` and `handled_by`, and `source`, per `group_by`. on_time_rate = "
        "closed on time (closed_at <= due_at) / opened, in percent with a Wilson 95% interval; "
        "resolved_share = resolved / closed; medians in hours. Recovery: of the closed "
        "follow-ups whose customer answered the same metric again after closed_at, the share "
        "whose next answer lies outside the opening rule's band. Executives, team leads "
        "(every department: shared figures) and admins.",
        parameters=[s.FollowUpSummaryQuery],
        responses={
            200: OpenApiResponse(
                s.FollowUpSummarySerializer,
                examples=[
                    OpenApiExample("By department", value=examples.FOLLOWUP_SUMMARY),
                ],
            ),
            **ERRORS,
        },
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        query = valid_query(s.FollowUpSummaryQuery, request)
        return Response(
            followups_summary(
                group_by=query.validated_data.get("group_by"), filters=query.filters()
            )
        )


class FollowUpDetailView(CxAPIView):
    """GET and PATCH /api/v1/followups/{id}."""

    permission_classes = [CanReadFollowUps]

    def _row(self, request: Request, pk: int) -> dict[str, Any]:
        row = selectors.followup_row(user=request.user, pk=pk)
        if row is None:
            raise NotFound("No such follow-up.")
        return row

    @extend_schema(
        operation_id="followups_retrieve",
        summary="One follow-up",
        responses={200: s.FollowUpRowSerializer, **ERRORS, **NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(self._row(request, pk))

    @extend_schema(
        operation_id="followups_partial_update",
        summary="Change a follow-up: status, outcome, root cause, assignee, note",
        description="Team leads of its department, admins, and the API key of its source (a "
        "help desk closing its ticket). Statuses move forward; `open` reopens a closed one "
        "(its outcome and closed_at are cleared). Closing needs an outcome and a root cause. "
        "Every change is audited with who made it.",
        request=s.FollowUpChangeSerializer,
        responses={200: s.FollowUpRowSerializer, **WRITE_ERRORS, **NOT_FOUND},
        examples=[
            OpenApiExample("Close it as resolved", request_only=True, value=examples.FOLLOWUP_CLOSE)
        ],
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        followup = services.visible_followups(request.user).filter(pk=pk).first()
        if followup is None:
            raise NotFound("No such follow-up.")
        with service_answers():
            services.check_followup_before(request.user, followup)
        serializer = s.FollowUpChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_answers():
            services.update_followup(
                followup=followup, actor=request.user, changes=dict(serializer.validated_data)
            )
        return Response(self._row(request, pk))


@extend_schema_view(
    list=extend_schema(
        summary="Follow-up rules", responses={200: s.FollowUpRuleSerializer(many=True), **ERRORS}
    ),
    create=extend_schema(
        summary="Create a rule (team leads: owned by or over departments they lead)",
        responses={201: s.FollowUpRuleSerializer, **WRITE_ERRORS},
        examples=[OpenApiExample("Support's CSAT 1", request_only=True, value=examples.RULE)],
    ),
    retrieve=extend_schema(
        summary="One rule", responses={200: s.FollowUpRuleSerializer, **ERRORS, **NOT_FOUND}
    ),
    partial_update=extend_schema(
        summary="Change a rule (admins; team leads for rules of their departments only)",
        responses={200: s.FollowUpRuleSerializer, **WRITE_ERRORS, **NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="Delete a rule that opened no follow-up (else deactivate it)",
        responses={204: None, **ERRORS, **NOT_FOUND, **CONFLICT},
    ),
)
class FollowUpRuleViewSet(viewsets.GenericViewSet):
    serializer_class = s.FollowUpRuleSerializer
    permission_classes = [CanReadRules]
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.rules_queryset()

    def list(self, request: Request) -> Response:
        return Response(s.FollowUpRuleSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.FollowUpRuleSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        serializer = s.FollowUpRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_answers():
            rule = services.create_rule(actor=request.user, **serializer.validated_data)
        rule = self.get_queryset().get(pk=rule.pk)
        return Response(s.FollowUpRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        rule = self.get_object()
        with service_answers():
            services.check_rule_before(request.user, rule)
        serializer = s.FollowUpRuleSerializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_answers():
            services.update_rule(rule=rule, actor=request.user, **serializer.validated_data)
        return Response(s.FollowUpRuleSerializer(self.get_queryset().get(pk=rule.pk)).data)

    def destroy(self, request: Request, pk: str) -> Response:
        rule = self.get_object()
        with service_answers():
            services.delete_rule(rule=rule, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RootCausesView(CxAPIView):
    permission_classes = [CanReadFollowUps]

    @extend_schema(
        operation_id="root_causes_list",
        summary="Root causes a follow-up is closed with (inactive ones are kept, not offered)",
        responses={200: s.RootCauseSerializer(many=True), **ERRORS},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.root_causes_list())


__all__ = [
    "CanReadFollowUps",
    "CanReadRules",
    "FollowUpDetailView",
    "FollowUpListView",
    "FollowUpRuleViewSet",
    "FollowUpSummaryView",
    "RootCausesView",
]
