"""One scope parser: the API and the dashboards give the same message for the same mistake."""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.selectors.dashboards import parse_dashboard_query
from cxmetrics.selectors.scope import parse_scope

URL = "/api/v1/metrics/summary"
ALL_CHANNELS = "app, chat, email, phone, social, store, web"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"start": "yesterday"},
            "start",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        (
            {"end": "2026-02-30"},
            "end",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "end", "end must be on or after start"),
        ({"channel": "chat,fax"}, "channel", f"unknown channel fax; allowed: {ALL_CHANNELS}"),
        (
            {"handled_by": "bot,ai,robot"},
            "handled_by",
            "unknown handled_by bot, robot; allowed: ai, ai_to_human, human, unknown",
        ),
    ],
)
def test_the_same_mistake_reads_the_same_in_the_api_and_the_dashboards(
    org, reader, params, field, message
):
    # when the API and a dashboard are given the same mistake
    answer = reader.get(URL, {"metric": "nps", **params})
    parsed = parse_dashboard_query(params=params)

    # then both name the field with the same words
    assert answer.status_code == 400
    assert answer.json() == {field: [message]}
    assert parsed.errors == {field: message}


def test_a_bad_field_is_left_out_and_the_known_values_are_kept(org):
    # when a scope has a bad day, a reversed period is not checked and a list has one unknown
    scope = parse_scope({"start": "someday", "end": "2026-01-01", "channel": "fax,web,chat,web"})

    # then the bad day filters nothing and the list keeps its known values, in order, once
    assert scope.errors.keys() == {"start", "channel"}
    assert (scope.filters.start, scope.filters.end) == (None, date(2026, 1, 1))
    assert scope.filters.channels == ("web", "chat")


def test_a_reversed_period_filters_on_neither_day_and_blank_means_all(org):
    scope = parse_scope({"start": "2026-02-01", "end": "2026-01-01", "source": ""})
    assert scope.errors == {"end": "end must be on or after start"}
    assert (scope.filters.start, scope.filters.end, scope.filters.sources) == (None, None, ())


def test_only_the_keys_asked_for_are_read_and_the_window_bounds_the_days(org):
    window = (date(2000, 1, 1), date(2036, 12, 31))
    scope = parse_scope(
        {"start": "1999-12-31", "source": "nowhere"}, keys=("start", "end"), window=window
    )
    assert scope.errors == {"start": "1999-12-31 is outside 2000-01-01 to 2036-12-31."}
    assert scope.filters.sources == ()
