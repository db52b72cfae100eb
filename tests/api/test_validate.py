"""The bulk validator: every rejection path, by field, with messages naming allowed values.

Pure: no database. Property tests check that any input either becomes a valid item or one
rejection naming fields, and that valid items keep their values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxmetrics.ingest.types import Invalid
from cxmetrics.ingest.validate import (
    HANDLED_BY,
    METRICS,
    SCORE_RANGES,
    IngestContext,
    hash_customer,
    validate_items,
)
from cxmetrics.models import HandledBy, Metric

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def context(**overrides) -> IngestContext:
    values = {
        "source_slug": "integrations",
        "channel_ids": {"web": 1, "chat": 4},
        "department_ids": {"support": 1, "billing": 4},
        "known_channels": frozenset({"web", "chat", "store"}),
        "default_channel": None,
        "default_department": "support",
        "now": NOW,
        "time_zone": ZoneInfo("Europe/Berlin"),
        "customer_hash_key": b"k",
        "max_comment_chars": 10_000,
    }
    values.update(overrides)
    return IngestContext(**values)


def item(**overrides):
    values = {
        "external_id": "e-1",
        "metric": "nps",
        "score": 9,
        "channel": "chat",
        "occurred_at": "2025-05-31T23:30:00+00:00",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def errors_of(raw, **ctx):
    result = validate_items([raw], context=context(**ctx))
    assert not result.items
    return result.rejected[0]["errors"]


def test_the_pure_vocabulary_matches_the_model():
    # given / when / then: validation's metrics and handlers are the model's choices, in order
    assert METRICS == tuple(Metric.values) == ("nps", "csat", "ces", "sentiment")
    assert HANDLED_BY == tuple(HandledBy.values)
    assert SCORE_RANGES["ces"] == (1, 7, True)


def test_a_valid_item_is_resolved_to_ids_and_a_local_day():
    # given an NPS item at 23:30 UTC, which is already the next day in Berlin
    raw = item(customer_id="cust-1", comment="ok", attributes={"plan": "pro"})
    # when
    result = validate_items([raw], context=context())
    # then
    (valid,) = result.items
    assert not result.rejected
    assert (valid.channel_id, valid.department_id, valid.score) == (4, 1, 9.0)
    assert valid.day.isoformat() == "2025-06-01"
    assert valid.handled_by == "unknown"
    assert valid.customer_ref == hash_customer(b"k")("cust-1") != "cust-1"
    assert valid.attributes == {"plan": "pro"}


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"external_id": None}, "external_id", ["required"]),
        ({"external_id": "  "}, "external_id", ["required"]),
        ({"external_id": "x" * 256}, "external_id", ["255"]),
        ({"external_id": ["a"]}, "external_id", ["string"]),
        ({"metric": None}, "metric", ["required", "nps, csat, ces, sentiment"]),
        ({"metric": "promoter"}, "metric", ["'promoter'", "nps, csat, ces, sentiment"]),
        ({"metric": ["nps"]}, "metric", ["nps, csat, ces, sentiment"]),
        ({"score": None}, "score", ["required", "0 to 10"]),
        ({"score": "9"}, "score", ["number"]),
        ({"score": True}, "score", ["number"]),
        ({"score": 11}, "score", ["out of range", "whole number from 0 to 10"]),
        ({"score": 8.5}, "score", ["whole number"]),
        ({"metric": "csat", "score": 0}, "score", ["1 to 5"]),
        ({"metric": "ces", "score": 8}, "score", ["1 to 7"]),
        ({"metric": "sentiment", "score": 1.5}, "score", ["-1 to 1"]),
        ({"channel": "webb"}, "channel", ["unknown channel 'webb'", "allowed: chat, web"]),
        ({"channel": "store"}, "channel", ["not allowed for source", "allowed: chat, web"]),
        ({"channel": None}, "channel", ["required", "allowed: chat, web"]),
        ({"channel": 3}, "channel", ["slug", "allowed: chat, web"]),
        ({"department": "sales"}, "department", ["unknown department", "billing, support"]),
        ({"occurred_at": None}, "occurred_at", ["required", "offset"]),
        ({"occurred_at": 1714557600}, "occurred_at", ["string"]),
        ({"occurred_at": "yesterday"}, "occurred_at", ["not an ISO 8601"]),
        ({"occurred_at": "2025-05-01T10:00:00"}, "occurred_at", ["offset", "naive"]),
        ({"occurred_at": "2025-05-01"}, "occurred_at", ["naive"]),
        ({"occurred_at": "2025-06-01T12:06:00+00:00"}, "occurred_at", ["future"]),
        ({"occurred_at": "0001-01-01T00:00:00+00:00"}, "occurred_at", ["before 2000-01-01"]),
        ({"occurred_at": "1900-01-01T00:00:00Z"}, "occurred_at", ["before 2000-01-01"]),
        ({"occurred_at": "2000-01-01T00:30:00+01:00"}, "occurred_at", ["before 2000-01-01"]),
        ({"handled_by": "robot"}, "handled_by", ["'robot'", "ai, human, ai_to_human, unknown"]),
        ({"comment": 5}, "comment", ["string"]),
        ({"comment": "a\x00b"}, "comment", ["NUL"]),
        ({"customer_id": {"id": 1}}, "customer_id", ["string or an integer"]),
        ({"agent_ref": "a" * 101}, "agent_ref", ["100"]),
        ({"attributes": [1, 2]}, "attributes", ["JSON object"]),
        ({"attributes": {"a": "\x00"}}, "attributes", ["NUL"]),
        ({"chanel": "web"}, "chanel", ["unknown field", "channel"]),
    ],
)
def test_every_rejection_names_the_field_and_the_allowed_values(overrides, field, words):
    # given an item with one bad field
    raw = item(**{k: v for k, v in overrides.items() if v is not None})
    for key, value in overrides.items():
        if value is None:
            raw.pop(key, None)
    # when
    errors = errors_of(raw)
    # then only that field is reported, in words that say what is allowed
    assert list(errors) == [field]
    message = " ".join(errors[field])
    for word in words:
        assert word in message


def test_defaults_come_from_the_source():
    # given a source with a default channel and department, and an item naming neither
    raw = item(channel=None)
    # when
    result = validate_items([raw], context=context(default_channel="web"))
    # then
    assert (result.items[0].channel_id, result.items[0].department_id) == (1, 1)


def test_a_non_object_item_is_rejected_with_its_index():
    # given
    entries = [item(), "nope", Invalid("z-1", {"score": ["adapter says no"]})]
    # when
    result = validate_items(entries, context=context(), offset=10, lines=[2, 3, 4])
    # then
    assert len(result.items) == 1
    assert result.rejected == [
        {
            "index": 11,
            "line": 3,
            "external_id": None,
            "errors": {
                "non_field_errors": ["each item must be a JSON object with the response fields"]
            },
        },
        {"index": 12, "line": 4, "external_id": "z-1", "errors": {"score": ["adapter says no"]}},
    ]


def test_integer_external_ids_and_customer_ids_are_accepted():
    # given
    raw = item(external_id=123, customer_id=456)
    # when
    (valid,) = validate_items([raw], context=context()).items
    # then
    assert valid.external_id == "123"
    assert valid.customer_ref == hash_customer(b"k")("456")


def test_the_window_starts_at_2000_01_01_utc():
    # given the first moment of 2000 in UTC, and the same instant written in Tokyo time
    first = "2000-01-01T00:00:00Z"
    tokyo = "2000-01-01T09:00:00+09:00"
    # when / then both are inside the window; a second earlier is not
    assert (
        len(
            validate_items(
                [item(occurred_at=first), item(occurred_at=tokyo)], context=context()
            ).items
        )
        == 2
    )
    assert errors_of(item(occurred_at="1999-12-31T23:59:59Z"))["occurred_at"] == [
        "occurred_at is before 2000-01-01T00:00:00Z, the earliest accepted"
    ]


def test_times_up_to_five_minutes_ahead_are_accepted():
    # given clock skew of 4 minutes
    ahead = (NOW + timedelta(minutes=4)).isoformat()
    # when / then
    assert validate_items([item(occurred_at=ahead)], context=context()).items


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
field_values = {
    "external_id": st.one_of(st.text(max_size=300), st.integers(), json_values),
    "metric": st.one_of(st.sampled_from(["nps", "csat", "ces", "sentiment"]), json_values),
    "score": st.one_of(st.integers(-3, 12), st.floats(-2, 12), json_values),
    "channel": st.one_of(st.sampled_from(["web", "chat", "store", "x"]), json_values),
    "department": st.one_of(st.sampled_from(["support", "nope"]), json_values),
    "occurred_at": st.one_of(
        st.datetimes(timezones=st.sampled_from([UTC, ZoneInfo("Asia/Tokyo")])).map(
            datetime.isoformat
        ),
        st.text(max_size=30),
        json_values,
    ),
    "handled_by": st.one_of(st.sampled_from(["ai", "human", "bot"]), json_values),
    "comment": st.one_of(st.text(), json_values),
    "customer_id": json_values,
    "attributes": json_values,
}


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({}, optional=field_values))
def test_any_item_is_either_valid_or_rejected_by_field(raw):
    # given any dict of plausible and implausible values
    # when
    result = validate_items([raw], context=context())
    # then exactly one outcome, and a valid item keeps what was sent
    assert len(result.items) + len(result.rejected) == 1
    if result.rejected:
        rejection = result.rejected[0]
        assert rejection["index"] == 0
        assert rejection["errors"] and all(
            isinstance(m, str) and m for ms in rejection["errors"].values() for m in ms
        )
    else:
        valid = result.items[0]
        lo, hi, whole = SCORE_RANGES[valid.metric]
        assert lo <= valid.score <= hi and (not whole or valid.score.is_integer())
        assert valid.occurred_at.utcoffset() is not None
        assert valid.occurred_at <= NOW + timedelta(minutes=5)
        assert valid.occurred_at >= datetime(2000, 1, 1, tzinfo=UTC)
        assert valid.external_id == str(raw["external_id"])


def test_customer_hash_is_hmac_sha256_of_the_id():
    # given / when / then: the fast form equals the textbook HMAC for short and long keys
    import hashlib
    import hmac

    for key in (b"k", b"x" * 100):
        expected = hmac.new(key, b"cust-1", hashlib.sha256).hexdigest()
        assert hash_customer(key)("cust-1") == expected


def test_a_comment_over_the_limit_is_refused_by_field_with_both_lengths():
    # given comments at and over a limit of 12 characters
    entries = [item(external_id="at", comment="a" * 12), item(external_id="over", comment="b" * 13)]

    # when
    result = validate_items(entries, context=context(max_comment_chars=12))

    # then
    assert [row.comment for row in result.items] == ["a" * 12]
    assert result.rejected == [
        {
            "index": 1,
            "external_id": "over",
            "errors": {"comment": ["At most 12 characters (this one has 13)."]},
        }
    ]
