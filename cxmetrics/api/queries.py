"""Query strings validated by a serializer: one rule for every reading endpoint."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request


def valid_query(serializer_class: type, request: Request) -> Any:
    """The serializer of the query string, validated (a 400 with field messages if not)."""
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query
