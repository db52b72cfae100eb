"""What a dashboard view covers: its filters parsed from a URL query string, and their options.

The dashboards keep every filter in the query string (`?start=2026-01-01&channel=chat,web`), so
a view can be shared and reloaded. Keys: start, end (ISO dates, inclusive), channel,
department, handled_by (comma lists of slugs), metric, grain (day/week/month), sentiment
(negative/neutral/positive), as_of (the date goals and plans are measured on). Bad values are
reported per field and replaced by the default. Dates must lie in the window of `day_window`
(from the earliest day a response may have, 2000-01-01, to ten years ahead): outside it there is
nothing to show, and date arithmetic (the previous period) would overflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from cxmetrics.ingest.validate import EARLIEST_DAY
from cxmetrics.localtime import local_day
from cxmetrics.models import Channel, DailyRollup, Department, HandledBy, Metric
from cxmetrics.selectors import scope
from cxmetrics.selectors.summary import FILTER_FIELDS, SummaryFilters

DEFAULT_DAYS = 90
GRAINS = ("day", "week", "month")
SENTIMENTS = ("negative", "neutral", "positive")
LIST_KEYS = ("channel", "department", "handled_by")
SCOPE_KEYS = ("start", "end", *LIST_KEYS)  # the dashboards have no source filter
DATE_KEYS = ("start", "end", "as_of")
CHOICE_KEYS = {"metric": tuple(Metric.values), "grain": GRAINS, "sentiment": SENTIMENTS}
LATEST_YEARS_AHEAD = 10
MAX_SLUG = 100  # longer than any slug the models allow


@dataclass(frozen=True)
class DashboardQuery:
    """A parsed query string: `values` for the filter components, `errors` per bad field."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def filters(self) -> SummaryFilters:
        return summary_filters(
            start=self.values["start"],
            end=self.values["end"],
            channels=self.values["channel"],
            departments=self.values["department"],
            handled_by=self.values["handled_by"],
        )


def today() -> date:
    """Today in the organisation's time zone."""
    return local_day(timezone.now())


def default_period(*, as_of: date | None = None) -> tuple[date, date]:
    """The last DEFAULT_DAYS whole days up to and including `as_of` (default today)."""
    end = as_of or today()
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def previous_period(*, start: date, end: date) -> tuple[date, date]:
    """The period of equal length (in days) that ends the day before `start`."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def day_window() -> tuple[date, date]:
    """The dates a filter may name: EARLIEST_DAY (no response is older) to ten years ahead."""
    return EARLIEST_DAY, date(today().year + LATEST_YEARS_AHEAD, 12, 31)


def parse_day(raw: Any) -> date:
    """An ISO date inside `day_window`; ValueError with the scope parser's message otherwise."""
    if not isinstance(raw, str):
        raise ValueError("must be a date (YYYY-MM-DD).")
    return scope.parse_day(raw, window=day_window())


def filter_value_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Messages for filter values a page cannot have sent (what its controls send: ISO dates
    or None, lists of slugs or None, one of the choices or None), by filter name. Slugs are
    not looked up: an unknown one matches nothing."""
    errors: dict[str, str] = {}
    for key, value in values.items():
        if value in (None, ""):
            continue
        try:
            if key in DATE_KEYS:
                parse_day(value)
            elif key in LIST_KEYS:
                items = [value] if isinstance(value, str) else value
                if not isinstance(items, list) or not all(
                    isinstance(item, str) and len(item) <= MAX_SLUG for item in items
                ):
                    raise ValueError(f"must be a list of {key.replace('_', ' ')} slugs.")
            elif key in CHOICE_KEYS and value not in CHOICE_KEYS[key]:
                raise ValueError(f"must be one of {', '.join(CHOICE_KEYS[key])}.")
        except (TypeError, ValueError) as error:  # TypeError: unhashable junk for `in`
            errors[key] = str(error) if isinstance(error, ValueError) else "is not a choice."
    return errors


def _date_or_none(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def summary_filters(
    *,
    start: Any = None,
    end: Any = None,
    channels: Any = (),
    departments: Any = (),
    handled_by: Any = (),
) -> SummaryFilters:
    """SummaryFilters from component values (ISO strings or dates; lists, comma strings, None).

    Raises ValueError on a malformed date; callbacks get dates from a date picker.
    """
    return SummaryFilters(
        start=_date_or_none(start),
        end=_date_or_none(end),
        channels=_as_tuple(channels),
        departments=_as_tuple(departments),
        handled_by=_as_tuple(handled_by),
    )


def _as_tuple(value: Any) -> tuple[str, ...]:
    """A dropdown's value (a list, a comma string or None) as `scope.split_values` reads it."""
    if not value:
        return ()
    return scope.split_values(
        value if isinstance(value, str) else ",".join(str(item) for item in value)
    )


def _last(value: Any) -> Any:
    return value[-1] if isinstance(value, list) and value else value


def _comma_string(value: Any) -> str | None:
    """A list of slugs (a multi-select) as the comma string a query string carries."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return None if value is None else str(value)


def filter_options() -> dict[str, list[dict[str, str]]]:
    """Dropdown options: channels, departments, handled_by, metrics, grains, sentiments."""
    return {
        "channel": [
            {"label": name, "value": slug}
            for slug, name in Channel.objects.order_by("name").values_list("slug", "name")
        ],
        "department": [
            {"label": name, "value": slug}
            for slug, name in Department.objects.order_by("name").values_list("slug", "name")
        ],
        "handled_by": [{"label": label, "value": value} for value, label in HandledBy.choices],
        "metric": [{"label": label, "value": value} for value, label in Metric.choices],
        "grain": [{"label": grain.capitalize(), "value": grain} for grain in GRAINS],
        "sentiment": [{"label": value.capitalize(), "value": value} for value in SENTIMENTS],
    }


def has_responses() -> bool:
    """Whether any figure has data at all (one indexed query on the rollups)."""
    return DailyRollup.objects.exists()


def parse_dashboard_query(
    *,
    params: Mapping[str, Any],
    as_of: date | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> DashboardQuery:
    """Validate a dashboard query string; each bad field gets a message and its default.

    `defaults` overrides the default metric, grain or sentiment (e.g. metric None: all).
    The period and the lists are read by the scope parser the API uses (the same message for
    the same mistake); one query per slug list given. `params` values may be strings or lists.
    """
    chosen_defaults = {"metric": Metric.NPS.value, "grain": "week", "sentiment": None}
    chosen_defaults.update(defaults or {})
    default_start, default_end = default_period(as_of=as_of)
    given: dict[str, Any] = {key: _last(params.get(key)) for key in ("start", "end", "as_of")}
    given.update({key: _comma_string(params.get(key)) for key in LIST_KEYS})
    parsed = scope.parse_scope(given, keys=SCOPE_KEYS, window=day_window())
    values: dict[str, Any] = {}
    for key, default_day in (("start", default_start), ("end", default_end)):
        # Absent: the default period; blank: open on that side; refused: the default.
        given_day = given[key]
        if given_day is None:
            values[key] = default_day
        elif given_day == "":
            values[key] = None
        else:
            values[key] = getattr(parsed.filters, key) or default_day
    errors: dict[str, str] = {
        key: parsed.errors[key] for key in ("start", "end") if key in parsed.errors
    }
    values["as_of"] = today()
    if given["as_of"]:  # as_of cannot be open: blank is today
        try:
            values["as_of"] = parse_day(given["as_of"])
        except ValueError as error:
            errors["as_of"] = str(error)
    for key in LIST_KEYS:
        if key in parsed.errors:
            errors[key] = parsed.errors[key]
        values[key] = list(getattr(parsed.filters, FILTER_FIELDS[key]))

    for key, choices in CHOICE_KEYS.items():
        default = chosen_defaults[key]
        raw = params.get(key)
        if raw in (None, ""):
            values[key] = default
        elif raw in choices:
            values[key] = raw
        else:
            errors[key] = f"'{raw}' is not one of {', '.join(choices)}."
            values[key] = default
    return DashboardQuery(values=values, errors=errors)
