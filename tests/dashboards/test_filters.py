"""Dashboard filters live in the URL query string: parsing, defaults and field errors."""

from datetime import date, timedelta

from cxmetrics.selectors.dashboards import parse_dashboard_query, previous_period


def test_no_query_means_the_last_90_days_nps_weekly(org):
    # when the address has no query string
    parsed = parse_dashboard_query(params={}, as_of=date(2026, 3, 31))

    # then the period is the 90 days up to today, all channels, NPS by week
    assert parsed.values["start"] == date(2026, 1, 1)
    assert parsed.values["end"] == date(2026, 3, 31)
    assert parsed.values["channel"] == []
    assert (parsed.values["metric"], parsed.values["grain"]) == ("nps", "week")
    assert parsed.errors == {}


def test_a_shared_query_string_is_read_back(org):
    # given a shared address
    params = {"start": "2026-01-05", "end": "2026-02-01", "channel": "chat,web", "metric": "csat"}

    # when it is parsed
    parsed = parse_dashboard_query(params=params)

    # then the filters are the ones that were shared
    assert parsed.filters.start == date(2026, 1, 5)
    assert parsed.filters.channels == ("chat", "web")
    assert parsed.values["metric"] == "csat"


def test_bad_values_get_a_message_per_field_and_the_default(org):
    # when the address has a bad date, an unknown channel and an unknown metric
    parsed = parse_dashboard_query(
        params={"start": "yesterday", "channel": "chat,fax", "metric": "nsp"},
        as_of=date(2026, 3, 31),
    )

    # then each field says what is wrong and falls back
    assert set(parsed.errors) == {"start", "channel", "metric"}
    assert "fax" in parsed.errors["channel"]
    assert parsed.values["channel"] == ["chat"]
    assert parsed.values["start"] == date(2026, 1, 1)
    assert parsed.values["metric"] == "nps"


def test_an_end_before_the_start_is_refused(org):
    parsed = parse_dashboard_query(params={"start": "2026-02-01", "end": "2026-01-01"})
    assert "end" in parsed.errors
    assert parsed.values["start"] < parsed.values["end"]


def test_an_empty_date_opens_the_range(org):
    parsed = parse_dashboard_query(params={"start": "", "end": ""})
    assert parsed.filters.start is None and parsed.filters.end is None


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    previous = previous_period(start=start, end=end)
    assert previous == (date(2026, 1, 29), date(2026, 2, 28))
    assert previous[1] - previous[0] == end - start
    assert previous[1] + timedelta(days=1) == start
