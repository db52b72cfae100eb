"""Writes. Services are verbs with keyword-only, typed arguments."""

from .ingest import customer_ref, local_day, record_responses
from .tokens import issue_token

__all__ = ["customer_ref", "issue_token", "local_day", "record_responses"]
