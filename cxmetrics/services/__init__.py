"""Writes. Services are verbs with keyword-only, typed arguments."""

from .ingest import record_responses
from .personal_data import customer_ref
from .tokens import issue_token

__all__ = ["customer_ref", "issue_token", "record_responses"]
