"""The validated shape of one response, shared by every ingest path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ResponseIn:
    """One validated response, ready to store. Ids are resolved; customer_ref is hashed."""

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


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What a batch did: rows stored, rows already stored (same source and external_id)."""

    accepted: int
    duplicates: int
    accepted_ids: tuple[int, ...] = ()
