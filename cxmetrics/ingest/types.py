"""The validated shape of one response, shared by every ingest path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made building
# one cost 3 us, a sixth of the whole validation of an item; nothing changes a ResponseIn.
@dataclass(slots=True)
class ResponseIn:
    """One validated response, ready to store. Ids are resolved; customer_ref is hashed.

    `day` is the date of `occurred_at` in the organisation's time zone; validators that already
    computed it pass it along so the store does not compute it twice (None: computed there).
    Treat it as a value: build a new one (`dataclasses.replace`) rather than changing it.
    """

    external_id: str
    metric: str
    score: float
    channel_id: int
    department_id: int
    occurred_at: datetime
    handled_by: str = "unknown"
    agent_ref: str = ""
    customer_ref: str = ""
    comment: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    day: date | None = None


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What a batch did: rows stored, rows already stored (same source and external_id).

    `updated` counts stored rows that an update event (Delighted `.updated`) changed in place.
    """

    accepted: int
    duplicates: int
    accepted_ids: tuple[int, ...] = ()
    updated: int = 0


class IngestParseError(ValueError):
    """A body that cannot be read at all (answered 400). `line`/`column` are 1-based."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message}
        if self.line is not None:
            body["line"] = self.line
        if self.column is not None:
            body["column"] = self.column
        return body


class IngestTooLarge(ValueError):
    """A body over the size or item limits (answered 413)."""


@dataclass(frozen=True, slots=True)
class Invalid:
    """A record an adapter could read but not map, with field-level errors in the adapter's
    own terms (e.g. a Zendesk score that is not good/bad). Validation reports it as rejected."""

    external_id: str | None
    errors: dict[str, list[str]]


@dataclass(slots=True)
class Parsed:
    """What a vendor adapter read from a payload: canonical items (plain dicts with the
    canonical API's field names and slugs), how many records it skipped on purpose (e.g.
    Zendesk `offered` ratings), whether the items update stored responses in place, and the
    1-based line of each item when the payload is line-based (CSV)."""

    items: list[Any]  # canonical dicts, or Invalid
    skipped: int = 0
    update: bool = False
    lines: list[int] | None = None


@dataclass(slots=True)
class BatchOutcome:
    """The answer to one ingest request, summed over its chunks.

    `rejected` lists at most the first CX_INGEST_MAX_REJECTIONS_SHOWN rejections of a streamed
    CSV (all of them for JSON and NDJSON, which hold at most 10,000 items); `rejected_total`
    counts them all. `items` counts the records read, `skipped` those left out on purpose.
    """

    accepted: int = 0
    duplicates: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_total: int = 0
    items: int = 0

    def merge(self, other: BatchOutcome, *, keep: int) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.updated += other.updated
        self.skipped += other.skipped
        self.items += other.items
        self.rejected_total += other.rejected_total
        room = keep - len(self.rejected)
        if room > 0:
            self.rejected.extend(other.rejected[:room])

    @property
    def status(self) -> int:
        """201 nothing rejected; 200 some rejected; 400 everything storable was rejected."""
        if not self.rejected_total:
            return 201
        if self.accepted or self.duplicates or self.updated:
            return 200
        return 400

    def answer(self, *, adapter: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }
        if self.rejected_total > len(self.rejected):
            body["rejected_total"] = self.rejected_total
        if adapter:
            body["updated"] = self.updated
            body["skipped"] = self.skipped
        return body
