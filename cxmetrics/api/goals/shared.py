"""What the goals, plans and report views share: ids in URLs, reading a query string, and
service outcomes as answers (field problems 400, role problems 403, state conflicts 409)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cxmetrics.api.goals.serializers import AsOfQuerySerializer
from cxmetrics.localtime import local_day
from cxmetrics.services import goals as goal_services

ID_REGEX = r"[0-9]{1,15}"


def query_params(serializer_class: type, request: Request) -> dict[str, Any]:
    """The query string validated by `serializer_class` (a 400 with field messages if not)."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def as_of_param(request: Request) -> date:
    """`?as_of=` (YYYY-MM-DD), default today in the organisation's time zone."""
    return query_params(AsOfQuerySerializer, request).get("as_of") or local_day(timezone.now())


def invalid(exc: goal_services.InvalidInput) -> ValidationError:
    """A service's field errors as a 400."""
    return ValidationError(exc.errors)


def refused(exc: goal_services.NotAllowed) -> PermissionDenied:
    """A service's refusal (the role may not) as a 403."""
    return PermissionDenied(str(exc))


def conflict(message: str) -> Response:
    """A write refused in the object's state as a 409."""
    return Response({"detail": message}, status=status.HTTP_409_CONFLICT)
