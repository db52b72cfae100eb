"""Named periods a goal or plan can be set to: this quarter, next quarter, this half-year.

Pure (no Django): calendar quarters and halves containing, or following, a given day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["PRESETS", "Period", "preset", "presets"]

PRESETS = {
    "this_quarter": "This quarter",
    "next_quarter": "Next quarter",
    "this_half": "This half-year",
}


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date


def _months(first_month: int, year: int, months: int) -> tuple[date, date]:
    """The `months` calendar months starting with `first_month` of `year`."""
    start = date(year, first_month, 1)
    after = first_month - 1 + months
    following = date(year + after // 12, after % 12 + 1, 1)
    return start, following - timedelta(days=1)


def preset(key: str, today: date) -> Period:
    """The named period relative to `today` (KeyError for an unknown key)."""
    quarter_month = (today.month - 1) // 3 * 3 + 1
    if key == "this_quarter":
        start, end = _months(quarter_month, today.year, 3)
    elif key == "next_quarter":
        start, end = _months(quarter_month, today.year, 3)
        start, end = _months((end + timedelta(days=1)).month, (end + timedelta(days=1)).year, 3)
    elif key == "this_half":
        start, end = _months(1 if today.month <= 6 else 7, today.year, 6)
    else:
        raise KeyError(key)
    return Period(key, PRESETS[key], start, end)


def presets(today: date) -> list[Period]:
    """Every named period relative to `today`, in PRESETS order."""
    return [preset(key, today) for key in PRESETS]
