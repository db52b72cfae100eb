"""Read endpoints (figures, rows, reference lists) and /api/v1/responses, whose POST is the
canonical ingest (cxmetrics.api.ingest_views). Views validate the query, call one selector,
answer."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from cxmetrics.api import ingest_docs, schema
from cxmetrics.api.ingest_views import CxAPIView, ingest_canonical
from cxmetrics.api.parsers import CSVParser, CSVRenderer, NDJSONParser
from cxmetrics.api.permissions import CanReadFigures, ReadOrPush
from cxmetrics.api.queries import valid_query
from cxmetrics.api.responses import examples
from cxmetrics.api.responses import serializers as s
from cxmetrics.csvsafe import csv_text
from cxmetrics.selectors import compare_groups, metric_summary
from cxmetrics.selectors.reference import channels_list, departments_list, sources_list
from cxmetrics.selectors.responses import ROW_FIELDS, response_page, response_rows

READ_ERRORS = {
    400: schema.FIELD_ERRORS,
    401: schema.DENIED,
    403: schema.DENIED,
    429: schema.THROTTLED,
}


class ResponsesView(CxAPIView):
    """GET: rows for readers (JSON pages or one streamed CSV). POST: canonical ingest."""

    permission_classes = [ReadOrPush]
    parser_classes = [JSONParser, NDJSONParser, CSVParser]

    def get_renderers(self) -> list[Any]:
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return [JSONRenderer()]
        return [JSONRenderer(), CSVRenderer()]

    @extend_schema(
        operation_id="responses_list",
        summary="Stored responses, row by row",
        description="Every stored field per row, newest first, filtered like the summary plus "
        "`metric` and `source`. Paginated with a `next` link (`page_size` up to 1,000); "
        "`?format=csv` streams the whole filtered listing as one CSV file instead.",
        parameters=[s.ResponseListQuery],
        responses={
            200: OpenApiResponse(
                s.ResponsePageSerializer,
                description="A page (JSON), or the whole listing as text/csv.",
            ),
            **READ_ERRORS,
        },
        examples=[
            OpenApiExample(
                "A page",
                value=examples.RESPONSE_PAGE,
                response_only=True,
                status_codes=["200"],
            )
        ],
        tags=["responses"],
    )
    def get(self, request: Request) -> Any:
        query = valid_query(s.ResponseListQuery, request)
        filters = query.filters()
        metrics = query.validated_data.get("metric") or ()
        if request.accepted_renderer.format == "csv":
            return self._csv(filters, metrics)
        # The cursor is the id of the last row shown: the next page starts below it.
        before = query.validated_data.get("cursor")
        size = query.validated_data.get("page_size") or 100
        rows, more = response_page(filters=filters, metrics=metrics, before_id=before, size=size)
        url = request.build_absolute_uri()
        next_url = replace_query_param(url, "cursor", rows[-1]["id"]) if more else None
        return Response({"next": next_url, "previous": None, "results": rows})

    def _csv(self, filters: Any, metrics: Any) -> StreamingHttpResponse:
        rows = response_rows(filters=filters, metrics=metrics)
        response = StreamingHttpResponse(
            csv_text(_with_header(rows)), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="responses-{stamp}.csv"'
        return response

    @extend_schema(
        operation_id="responses_create",
        summary="Push responses (canonical format)",
        description="For API keys. One JSON object, a JSON array of up to 10,000 objects, "
        "NDJSON or CSV (streamed, any size, committed in chunks of 10,000 rows). Each item is "
        "validated on its own; valid items are committed in one transaction before the "
        "answer; an item whose `external_id` is already stored for the source is counted as "
        "a duplicate and not stored again. 201: nothing rejected; 200: some rejected; 400: "
        "all rejected or unreadable (with the line for NDJSON and CSV); 413: over the size or "
        "item limits; 415: unknown content type.",
        request=ingest_docs.CANONICAL_REQUEST,
        responses=schema.ingest_responses(),
        examples=ingest_docs.CANONICAL_EXAMPLES,
        tags=["responses"],
    )
    def post(self, request: Request) -> Response:
        return ingest_canonical(request)


def _with_header(rows: Any) -> Any:
    yield ROW_FIELDS
    yield from rows


class SummaryView(CxAPIView):
    permission_classes = [CanReadFigures]

    @extend_schema(
        operation_id="metrics_summary",
        summary="A metric's figures, overall or by group",
        description="Read from the daily rollups. `start`/`end` are inclusive days in the "
        "organisation's time zone (absent: all time). Scores are unrounded on their natural "
        "scales: NPS -100..100, CSAT 0..100 %, CES 1..7, sentiment -1..1.",
        parameters=[s.SummaryQuery],
        responses={200: s.SummarySerializer, **READ_ERRORS},
        examples=[OpenApiExample("NPS by channel", value=examples.SUMMARY, response_only=True)],
        tags=["metrics"],
    )
    def get(self, request: Request) -> Response:
        query = valid_query(s.SummaryQuery, request)
        data = query.validated_data
        groups = metric_summary(
            metric=data["metric"], group_by=data.get("group_by"), filters=query.filters()
        )
        return Response(
            {
                "metric": data["metric"],
                "start": data.get("start"),
                "end": data.get("end"),
                "groups": groups,
            }
        )


class CompareView(CxAPIView):
    permission_classes = [CanReadFigures]

    @extend_schema(
        operation_id="metrics_compare",
        summary="Two groups of one dimension, with the difference and its significance",
        description="E.g. `?metric=csat&by=handled_by&a=ai&b=human`. The difference is a minus "
        "b on the metric's scale; `statistic` and the two-sided p come from the metric's own "
        "`test`: two proportions (z) for CSAT, the NPS variance (z) for NPS, Welch's t-test "
        "with Welch-Satterthwaite `df` (p from Student's t) for CES and sentiment. When the "
        "test is undefined (a group of one answer, no variance, no responses) the difference "
        "is still reported where there is one, the test fields are null and `reason` says "
        "why.",
        parameters=[s.CompareQuery],
        responses={200: s.CompareSerializer, **READ_ERRORS},
        examples=[
            OpenApiExample("AI versus human chat", value=examples.COMPARISON, response_only=True)
        ],
        tags=["metrics"],
    )
    def get(self, request: Request) -> Response:
        query = valid_query(s.CompareQuery, request)
        data = query.validated_data
        return Response(
            compare_groups(
                metric=data["metric"],
                by=data["by"],
                a=data["a"],
                b=data["b"],
                filters=query.filters(),
            )
        )


def _listing(name: str, serializer: Any, example: list[dict[str, Any]]) -> Any:
    return extend_schema(
        operation_id=f"{name}_list",
        summary=f"All {name}",
        responses={
            200: serializer(many=True),
            401: schema.DENIED,
            403: schema.DENIED,
            429: schema.THROTTLED,
        },
        examples=[OpenApiExample(name, value=example, response_only=True)],
        tags=["reference"],
    )


class DepartmentsView(CxAPIView):
    permission_classes = [CanReadFigures]

    @_listing("departments", s.SlugNameSerializer, examples.DEPARTMENTS)
    def get(self, request: Request) -> Response:
        return Response(departments_list())


class ChannelsView(CxAPIView):
    permission_classes = [CanReadFigures]

    @_listing("channels", s.SlugNameSerializer, examples.CHANNELS)
    def get(self, request: Request) -> Response:
        return Response(channels_list())


class SourcesView(CxAPIView):
    permission_classes = [CanReadFigures]

    @_listing("sources", s.SourceSerializer, examples.SOURCES)
    def get(self, request: Request) -> Response:
        return Response(sources_list())
