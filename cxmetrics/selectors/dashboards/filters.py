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
from cxmetrics.selectors.summary import SummaryFilters

DEFAULT_DAYS = 90
GRAINS = ("day", "week", "month")
SENTIMENTS = ("negative", "neutral", "positive")
LIST_KEYS = ("channel", "department", "handled_by")
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
    """An ISO date (YYYY-MM-DD) inside `day_window`; ValueError with a message otherwise."""
    if not isinstance(raw, str):
        raise ValueError("must be a date (YYYY-MM-DD).")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"'{raw[:40]}' is not a date (YYYY-MM-DD).") from None
    first, last = day_window()
    if not first <= day <= last:
        raise ValueError(f"{day.isoformat()} is outside {first.isoformat()} to {last.isoformat()}.")
    return day


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
    if not value:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    return tuple(dict.fromkeys(str(item).strip() for item in value if str(item).strip()))


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
    Two queries (channel and department slugs). `params` values may be strings or lists.
    """
    chosen_defaults = {"metric": Metric.NPS.value, "grain": "week", "sentiment": None}
    chosen_defaults.update(defaults or {})
    errors: dict[str, str] = {}
    default_start, default_end = default_period(as_of=as_of)
    values: dict[str, Any] = {}
    for key, default in (("start", default_start), ("end", default_end), ("as_of", today())):
        raw = params.get(key)
        if isinstance(raw, list):
            raw = raw[-1]
        if raw is None:
            values[key] = default
        elif raw == "":
            # An explicitly open end: all time on that side (as_of cannot be open).
            values[key] = default if key == "as_of" else None
        else:
            try:
                values[key] = parse_day(str(raw))
            except ValueError as error:
                errors[key] = str(error)
                values[key] = default
    if values["start"] and values["end"] and values["end"] < values["start"]:
        errors["end"] = "The end date is before the start date."
        values["start"], values["end"] = default_start, default_end

    allowed = {
        "channel": set(Channel.objects.values_list("slug", flat=True)),
        "department": set(Department.objects.values_list("slug", flat=True)),
        "handled_by": set(HandledBy.values),
    }
    for key in LIST_KEYS:
        chosen = _as_tuple(params.get(key))
        unknown = [value for value in chosen if value not in allowed[key]]
        if unknown:
            errors[key] = f"Unknown {key.replace('_', ' ')}: {', '.join(unknown)}."
        values[key] = [value for value in chosen if value in allowed[key]]

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
