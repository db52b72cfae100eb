"""Personal data on the way into storage: customer ids become a keyed hash, free text is
masked (e-mails, phone and card numbers) before any path, COPY included, writes it."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from cxmetrics.ingest.types import ResponseIn
from cxmetrics.ingest.validate import MAX_AGENT_REF, hash_customer
from cxmetrics.redaction import redact, redact_identifier, redact_json

__all__ = ["customer_ref", "redacting", "stored_text"]


def customer_ref(customer_id: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a customer id; the raw id is never stored.

    The one definition ingest validation uses too (`validate.hash_customer`, keyed with
    CUSTOMER_HASH_KEY by `ingest_context`): erasing a customer finds their rows with it.
    """
    if customer_id is None or customer_id == "":
        return ""
    return hash_customer(settings.CUSTOMER_HASH_KEY.encode())(customer_id)


def redacting() -> bool:
    """Whether free text is masked before it is stored (settings CX_REDACT_FREE_TEXT and its
    former name CX_REDACT_COMMENTS, which keeps working: masking is off if either is off)."""
    return bool(settings.CX_REDACT_FREE_TEXT and settings.CX_REDACT_COMMENTS)


def stored_text(item: ResponseIn) -> tuple[str, str, dict[str, Any]]:
    """The free-text fields of `item` as they are stored: comment, agent_ref, attributes, with
    e-mails, phone and card numbers masked when `redacting()` (cxmetrics.redaction).

    Masked here, in Python, because every path (COPY included) writes what this returns;
    external_id is an identifier and stays as sent (masking would merge distinct ids).
    """
    if not redacting():
        return item.comment, item.agent_ref, item.attributes or {}
    # A mask may be one character longer than a short e-mail ("a@b.cc"): stay in the column.
    agent_ref = redact_identifier(item.agent_ref)[:MAX_AGENT_REF]
    return redact(item.comment), agent_ref, redact_json(item.attributes or {})
