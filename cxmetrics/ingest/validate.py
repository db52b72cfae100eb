"""Bulk validation of canonical items (plain dicts) into `ResponseIn`, item by item.

Pure and fast: no Django, no per-item queries. The caller resolves the source's slugs to ids
once per batch (`IngestContext`); each item is then checked with dict look-ups,
`datetime.fromisoformat` and the score ranges. Every problem is reported per field, with a
message that names the field and the allowed values.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import orjson

from cxmetrics.ingest.types import Invalid, ResponseIn
from cxmetrics.scales import SCORE_RANGES

METRICS = tuple(SCORE_RANGES)
# The values of models.HandledBy, kept pure here (a test pins them equal).
HANDLED_BY = ("ai", "human", "ai_to_human", "unknown")
FIELDS = (
    "external_id",
    "metric",
    "score",
    "channel",
    "department",
    "occurred_at",
    "handled_by",
    "comment",
    "customer_id",
    "attributes",
    "agent_ref",
)
MAX_EXTERNAL_ID = 255
MAX_AGENT_REF = 100
FUTURE_TOLERANCE = timedelta(minutes=5)
# The window of occurred_at (docs/api.md): from EARLIEST_OCCURRED_AT to now + FUTURE_TOLERANCE.
# Years 0001 or 1900 are typing or epoch mistakes, not customers; they would also make every
# "all time" figure and trend start there.
EARLIEST_OCCURRED_AT = datetime(2000, 1, 1, tzinfo=UTC)
EARLIEST_DAY = EARLIEST_OCCURRED_AT.date()
_TOO_EARLY = (
    f"occurred_at is before {EARLIEST_OCCURRED_AT:%Y-%m-%dT%H:%M:%SZ}, the earliest accepted"
)

_FIELD_SET = frozenset(FIELDS)
_METRIC_LIST = ", ".join(METRICS)
_HANDLED_SET = frozenset(HANDLED_BY)
_HANDLED_LIST = ", ".join(HANDLED_BY)
_RANGE_TEXT = {
    metric: (
        f"a whole number from {lo:g} to {hi:g}" if whole else f"a number from {lo:g} to {hi:g}"
    )
    for metric, (lo, hi, whole) in SCORE_RANGES.items()
}


@dataclass(frozen=True)
class IngestContext:
    """Everything validation needs to know about the source, loaded once per batch.

    `channel_ids` holds only the channels this source may write; `known_channels` every
    channel slug (to tell "unknown" from "not allowed"). `now` bounds `occurred_at`.
    """

    source_slug: str
    channel_ids: dict[str, int]
    department_ids: dict[str, int]
    known_channels: frozenset[str]
    default_channel: str | None
    default_department: str | None
    now: datetime
    time_zone: tzinfo
    customer_hash_key: bytes
    max_comment_chars: int  # settings.CX_COMMENT_MAX_CHARS
    channel_list: str = field(init=False)
    department_list: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel_list", ", ".join(sorted(self.channel_ids)) or "none")
        object.__setattr__(self, "department_list", ", ".join(sorted(self.department_ids)))


@dataclass(slots=True)
class Validated:
    """Valid items in input order, and one rejection dict per invalid item."""

    items: list[ResponseIn]
    rejected: list[dict[str, Any]]


def hash_customer(key: bytes) -> Callable[[Any], str]:
    """A function customer id -> keyed HMAC-SHA256 hex, equal to `hmac.new(key, id, sha256)`
    (services.customer_ref; tests/api/test_validate.py pins it), RFC 2104 with the keyed inner
    and outer hashes prepared once.

    Not the stdlib `hmac`, on measurement (10,000 ids, `python -m timeit`, Python 3.11): this
    takes 7.9 ms, `hmac.new(key, digestmod=sha256)` prepared once and `.copy()`-ed per id 12.5
    ms, `hmac.new` per id 24 ms, `hmac.digest` 21 ms. The 0.46 us per id of the fastest public
    way is 11% of validating an item (`validate_items`: 4.1 us per item).
    """
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def ref(customer_id: Any) -> str:
        digest = inner.copy()
        digest.update(str(customer_id).encode())
        result = outer.copy()
        result.update(digest.digest())
        return result.hexdigest()

    return ref


def comment_too_long(length: int, limit: int) -> str:
    """The field message for a comment over the limit (the API's and the admin's)."""
    return f"At most {limit} characters (this one has {length})."


def _has_nul(value: Any) -> bool:
    return isinstance(value, str) and "\x00" in value


def validate_items(
    entries: Sequence[Any],
    *,
    context: IngestContext,
    offset: int = 0,
    lines: Sequence[int] | None = None,
) -> Validated:
    """Validate each entry on its own. Rejections carry `index` (offset + position, 0-based),
    `external_id` (as sent, when it is a string or number), `errors` {field: [message]} and
    `line` when `lines` is given. Cost: O(items), no I/O.
    """
    customer = hash_customer(context.customer_hash_key)
    items: list[ResponseIn] = []
    rejected: list[dict[str, Any]] = []
    append = items.append
    for position, raw in enumerate(entries):
        if type(raw) is not dict:
            sent_id, problems = _not_an_object(raw)
            _reject(rejected, offset + position, sent_id, problems, lines, position)
            continue
        errors: dict[str, list[str]] = {}
        valid = _check_item(raw, errors, context, customer)
        if errors:
            external_id = raw.get("external_id")
            if type(external_id) is int:
                external_id = str(external_id)
            shown = external_id if type(external_id) is str else None
            _reject(rejected, offset + position, shown, errors, lines, position)
            continue
        append(valid)  # type: ignore[arg-type]
    return Validated(items, rejected)


def _not_an_object(raw: Any) -> tuple[str | None, dict[str, list[str]]]:
    """The rejection of an entry that is not a dict: an `Invalid` an adapter already judged,
    or anything else."""
    if type(raw) is Invalid:
        return raw.external_id, raw.errors
    return None, {"non_field_errors": ["each item must be a JSON object with the response fields"]}


def _check_item(
    raw: dict[str, Any],
    errors: dict[str, list[str]],
    ctx: IngestContext,
    customer: Callable[[Any], str],
) -> ResponseIn | None:
    """The item of `raw`, or None with `errors` filled (one entry per field, in field order)."""
    if not raw.keys() <= _FIELD_SET:
        for name in sorted(str(key) for key in raw.keys() - _FIELD_SET):
            errors[name] = [f"unknown field {name!r}; allowed: {', '.join(FIELDS)}"]
    external_id = _external_id(raw.get("external_id"), errors)
    metric, score = _metric_and_score(raw.get("metric"), raw.get("score"), errors)
    channel_id = _slug_id("channel", raw.get("channel"), ctx.default_channel, ctx, errors)
    department_id = _slug_id(
        "department", raw.get("department"), ctx.default_department, ctx, errors
    )
    moment, day = _occurred_at(raw.get("occurred_at"), ctx, errors)
    handled_by = _handled_by(raw.get("handled_by"), errors)
    comment = _comment(raw.get("comment"), ctx.max_comment_chars, errors)
    ref = _customer_ref(raw.get("customer_id"), customer, errors)
    agent_ref = _agent_ref(raw.get("agent_ref"), errors)
    attributes = _attributes(raw.get("attributes"), errors)
    if errors:
        return None
    return ResponseIn(
        external_id,  # type: ignore[arg-type]
        metric,  # type: ignore[arg-type]
        float(score),
        channel_id,  # type: ignore[arg-type]
        department_id,  # type: ignore[arg-type]
        moment,  # type: ignore[arg-type]
        handled_by,
        agent_ref,
        ref,
        comment,
        attributes,
        day,
    )


def _external_id(external_id: Any, errors: dict[str, list[str]]) -> Any:
    if type(external_id) is int:
        external_id = str(external_id)
    if type(external_id) is not str or not external_id.strip():
        errors["external_id"] = [
            "external_id is required: a non-empty string (your id for this response)"
        ]
    elif len(external_id) > MAX_EXTERNAL_ID or "\x00" in external_id:
        errors["external_id"] = [
            f"external_id must be at most {MAX_EXTERNAL_ID} characters, without NUL"
        ]
    return external_id


def _metric_and_score(metric: Any, score: Any, errors: dict[str, list[str]]) -> tuple[Any, Any]:
    """The metric, and the score checked against the metric's range (`SCORE_RANGES`)."""
    if type(metric) is not str or metric not in SCORE_RANGES:
        errors["metric"] = [
            f"metric is required; allowed: {_METRIC_LIST}"
            if metric is None
            else f"unknown metric {str(metric)[:64]!r}; allowed: {_METRIC_LIST}"
        ]
        if score is None:
            errors["score"] = ["score is required: a number"]
        elif type(score) not in (int, float):
            errors["score"] = ["score must be a number"]
    elif score is None:
        errors["score"] = [f"score is required: for {metric}, {_RANGE_TEXT[metric]}"]
    elif type(score) not in (int, float) or not math.isfinite(score):
        errors["score"] = [f"score must be a number: for {metric}, {_RANGE_TEXT[metric]}"]
    else:
        lo, hi, whole = SCORE_RANGES[metric]
        if not lo <= score <= hi or (whole and score != int(score)):
            errors["score"] = [
                f"score {score:g} is out of range: for {metric}, {_RANGE_TEXT[metric]}"
            ]
    return metric, score


def _slug_id(
    name: str, value: Any, default: str | None, ctx: IngestContext, errors: dict[str, list[str]]
) -> int | None:
    """The id of the channel or department slug `value` (`default` when absent)."""
    if value is None:
        value = default
    ids = ctx.channel_ids if name == "channel" else ctx.department_ids
    found = ids.get(value) if type(value) is str else None
    if found is None:
        errors[name] = [_slug_error(name, value, ctx)]
    return found


def _occurred_at(
    occurred: Any, ctx: IngestContext, errors: dict[str, list[str]]
) -> tuple[datetime | None, date | None]:
    """The aware moment and its day in the organisation's zone, within the accepted window."""
    if type(occurred) is not str:
        errors["occurred_at"] = [
            "occurred_at is required: an ISO 8601 date-time with a UTC offset, "
            "e.g. 2025-05-01T14:30:00+02:00"
            if occurred is None
            else "occurred_at must be a string: an ISO 8601 date-time with a UTC offset"
        ]
        return None, None
    try:
        moment = datetime.fromisoformat(occurred)
    except ValueError:
        errors["occurred_at"] = [
            f"occurred_at {occurred[:64]!r} is not an ISO 8601 date-time; "
            "expected e.g. 2025-05-01T14:30:00+02:00"
        ]
        return None, None
    if moment.tzinfo is None or moment.utcoffset() is None:
        errors["occurred_at"] = [
            "occurred_at must include a UTC offset (Z or +hh:mm); naive times are refused"
        ]
        return None, None
    day = None
    try:
        if moment > ctx.now + FUTURE_TOLERANCE:
            errors["occurred_at"] = ["occurred_at is more than 5 minutes in the future"]
        elif moment < EARLIEST_OCCURRED_AT:
            errors["occurred_at"] = [_TOO_EARLY]
        day = moment.astimezone(ctx.time_zone).date()
    except (OverflowError, ValueError):
        errors["occurred_at"] = ["occurred_at is out of the supported range"]
    return moment, day


def _handled_by(handled_by: Any, errors: dict[str, list[str]]) -> Any:
    if handled_by is None:
        return "unknown"
    if type(handled_by) is not str or handled_by not in _HANDLED_SET:
        errors["handled_by"] = [
            f"unknown handled_by {str(handled_by)[:64]!r}; allowed: {_HANDLED_LIST}"
        ]
    return handled_by


def _comment(comment: Any, limit: int, errors: dict[str, list[str]]) -> Any:
    if comment is None:
        return ""
    if type(comment) is not str or "\x00" in comment:
        errors["comment"] = ["comment must be a string (text without NUL characters)"]
    elif len(comment) > limit:
        errors["comment"] = [comment_too_long(len(comment), limit)]
    return comment


def _customer_ref(
    customer_id: Any, customer: Callable[[Any], str], errors: dict[str, list[str]]
) -> str:
    """The keyed hash of the customer id ("" without one); the id itself is never kept."""
    if customer_id is None or customer_id == "":
        return ""
    if type(customer_id) in (str, int) and not _has_nul(customer_id):
        return customer(customer_id)
    errors["customer_id"] = ["customer_id must be a string or an integer"]
    return ""


def _agent_ref(agent_ref: Any, errors: dict[str, list[str]]) -> Any:
    if agent_ref is None:
        return ""
    if type(agent_ref) is not str or len(agent_ref) > MAX_AGENT_REF or "\x00" in agent_ref:
        errors["agent_ref"] = [f"agent_ref must be a string of at most {MAX_AGENT_REF} chars"]
    return agent_ref


def _attributes(attributes: Any, errors: dict[str, list[str]]) -> Any:
    """A JSON object that orjson can store (string keys, 64-bit integers) without NUL."""
    if attributes is None:
        return {}
    if type(attributes) is not dict:
        errors["attributes"] = ["attributes must be a JSON object"]
    elif attributes:
        try:
            if b"\\u0000" in orjson.dumps(attributes):
                errors["attributes"] = ["attributes must not contain NUL characters"]
        except TypeError:
            errors["attributes"] = [
                "attributes must be a JSON object (string keys, integers within 64 bits)"
            ]
    return attributes


def _slug_error(name: str, value: Any, ctx: IngestContext) -> str:
    allowed = ctx.channel_list if name == "channel" else ctx.department_list
    if value is None:
        return f"{name} is required (the source has no default); allowed: {allowed}"
    if type(value) is not str:
        return f"{name} must be a slug; allowed: {allowed}"
    if name == "channel" and value in ctx.known_channels:
        return (
            f"channel {value!r} is not allowed for source {ctx.source_slug!r}; allowed: {allowed}"
        )
    return f"unknown {name} {value[:64]!r}; allowed: {allowed}"


def _reject(
    rejected: list[dict[str, Any]],
    index: int,
    external_id: str | None,
    errors: dict[str, list[str]],
    lines: Sequence[int] | None,
    position: int,
) -> None:
    if lines is None:
        rejected.append({"index": index, "external_id": external_id, "errors": errors})
    else:
        rejected.append(
            {"index": index, "line": lines[position], "external_id": external_id, "errors": errors}
        )
