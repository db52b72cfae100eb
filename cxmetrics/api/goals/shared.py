"""What the goals, plans and report views share: ids in URLs, reading a query string, and
service outcomes as answers (field problems 400, role problems 403, state conflicts 409)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.request import Request

from cxmetrics.api.goals.serializers import AsOfQuerySerializer
from cxmetrics.api.queries import valid_query
from cxmetrics.localtime import local_day
from cxmetrics.services import goals as goal_services

ID_REGEX = r"[0-9]{1,15}"


def query_params(serializer_class: type, request: Request) -> dict[str, Any]:
    """The query string's values, validated by `serializer_class` (`api.queries.valid_query`)."""
    return valid_query(serializer_class, request).validated_data


def as_of_param(request: Request) -> date:
    """`?as_of=` (YYYY-MM-DD), default today in the organisation's time zone."""
    return query_params(AsOfQuerySerializer, request).get("as_of") or local_day(timezone.now())


class Conflict(APIException):
    """A write refused in the object's state: 409 with {"detail": why}."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Refused in the object's state."


@contextmanager
def service_answers() -> Iterator[None]:
    """Service outcomes as answers: InvalidInput a 400 with its field messages, NotAllowed a
    403 (the role may not), StateConflict a 409."""
    try:
        yield
    except goal_services.InvalidInput as exc:
        raise ValidationError(exc.errors) from exc
    except goal_services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except goal_services.StateConflict as exc:
        raise Conflict(str(exc)) from exc
