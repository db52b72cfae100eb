"""Writes. Services are verbs with keyword-only, typed arguments."""

from .ingest import customer_ref, local_day, record_responses

__all__ = ["customer_ref", "local_day", "record_responses"]
