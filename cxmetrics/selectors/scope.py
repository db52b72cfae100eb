"""Which responses a reader asks for: the filter vocabulary shared by the API and the dashboards.

One parser for start, end (inclusive ISO days) and channel, department, handled_by, source
(comma lists), from a mapping of query-string values into :class:`SummaryFilters`, with one
message per field. The API's query serializers call these rules field by field (so a 400 names
every bad field the way DRF does); the dashboards call :func:`parse_scope` and show the same
message next to the control. The wording is the API's, which its tests and clients rely on.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.dateparse import parse_date

from cxmetrics.models import Channel, Department, HandledBy, Metric, Source
from cxmetrics.selectors.summary import DIMENSIONS, SummaryFilters

SCOPE_KEYS = ("start", "end", *DIMENSIONS)

DATE_MESSAGE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
END_BEFORE_START = "end must be on or after start"


def allowed_values(dimension: str) -> list[str]:
    """The values a filter or group of `dimension` may take, sorted (slugs from the database,
    one query; handled_by and metric from their choices). The OpenAPI schema lists the same."""
    if dimension == "channel":
        values: Any = Channel.objects.values_list("slug", flat=True)
    elif dimension == "department":
        values = Department.objects.values_list("slug", flat=True)
    elif dimension == "source":
        values = Source.objects.values_list("slug", flat=True)
    elif dimension == "metric":
        values = Metric.values
    else:
        values = HandledBy.values
    return sorted(values)


def parse_day(raw: Any, *, window: tuple[date, date] | None = None) -> date:
    """An ISO day (what Django's `parse_date` reads: YYYY-MM-DD, also 2026-1-5); ValueError
    with DATE_MESSAGE otherwise. With `window` (first, last), a day outside it is refused too."""
    try:
        day = parse_date(raw) if isinstance(raw, str) else None
    except ValueError:  # well formed, but no such day (2026-02-30)
        day = None
    if day is None:
        raise ValueError(DATE_MESSAGE)
    if window is not None and not window[0] <= day <= window[1]:
        first, last = (bound.isoformat() for bound in window)
        raise ValueError(f"{day.isoformat()} is outside {first} to {last}.")
    return day


def split_values(raw: str) -> tuple[str, ...]:
    """`a, b,,a` -> ("a", "b"): stripped, blanks dropped, first occurrence kept."""
    return tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def unknown_values_message(dimension: str, unknown: Collection[str], allowed: list[str]) -> str:
    """The message for values of `dimension` that are not among `allowed`."""
    return f"unknown {dimension} {', '.join(unknown)}; allowed: {', '.join(allowed)}"


def known_values(raw: str, dimension: str) -> tuple[tuple[str, ...], str | None]:
    """The known values of a comma list of `dimension`'s values (or metrics), in order, and a
    message naming the unknown ones and the allowed values (None when all are known)."""
    values = split_values(raw)
    if not values:
        return (), None
    allowed = allowed_values(dimension)
    unknown = [value for value in values if value not in allowed]
    known = tuple(value for value in values if value in allowed)
    return known, unknown_values_message(dimension, unknown, allowed) if unknown else None


def parse_values(raw: str, dimension: str) -> tuple[str, ...]:
    """A comma list of `dimension`'s values; ValueError with the message of `known_values`."""
    values, message = known_values(raw, dimension)
    if message:
        raise ValueError(message)
    return values


def check_period(start: date | None, end: date | None) -> None:
    """ValueError(END_BEFORE_START) when both days are given and the end comes first."""
    if start and end and start > end:
        raise ValueError(END_BEFORE_START)


@dataclass(frozen=True)
class Scope:
    """What `parse_scope` read: the filters and a message per bad field."""

    filters: SummaryFilters
    errors: dict[str, str] = field(default_factory=dict)


def parse_scope(
    params: Mapping[str, str | None],
    *,
    keys: Collection[str] = SCOPE_KEYS,
    window: tuple[date, date] | None = None,
) -> Scope:
    """Filters from query-string values (only `keys` are read; absent, None or blank: no
    filter on that field). A bad field gets a message and is left out: a bad day filters
    nothing, a list keeps its known values. An end before the start is a message on `end`,
    and then neither day filters. `window` bounds the days (see `parse_day`).

    Cost: one query per slug list given (channel, department, source)."""
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {"start": None, "end": None}
    for key in ("start", "end"):
        raw = params.get(key) if key in keys else None
        if raw:
            try:
                days[key] = parse_day(raw, window=window)
            except ValueError as error:
                errors[key] = str(error)
    try:
        check_period(days["start"], days["end"])
    except ValueError as error:
        errors["end"] = str(error)
        days = {"start": None, "end": None}
    lists: dict[str, tuple[str, ...]] = {}
    for key in DIMENSIONS:
        raw = params.get(key) if key in keys else None
        lists[key], message = known_values(raw, key) if raw else ((), None)
        if message:
            errors[key] = message
    filters = SummaryFilters.of(start=days["start"], end=days["end"], **lists)
    return Scope(filters=filters, errors=errors)
