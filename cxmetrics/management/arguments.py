"""Argument types shared by the management commands."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError


def iso_date(value: str) -> date:
    """An argparse type: a YYYY-MM-DD date, or a CommandError naming the value."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from error
