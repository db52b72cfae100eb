"""Specification tests for goal status and progress in cxmetrics.incentives (pure math):
the expected value on a straight line, statuses at their boundaries, percent of the way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cxmetrics.incentives import (
    GOAL_STATUSES,
    expected_value,
    goal_status,
    progress_pct,
)

# --- Goal status -----------------------------------------------------------------------------

START, END = date(2026, 1, 1), date(2026, 1, 31)


def test_expected_value_is_a_straight_line_clamped_to_the_period() -> None:
    # given a goal from 20 on Jan 1 to 40 on Jan 31 (30 days)
    def at(day: date) -> float:
        return expected_value(baseline=20.0, target=40.0, start=START, end=END, as_of=day)

    # then half-way (day 15 of 30) expects 30, and dates outside the period are clamped
    assert at(date(2026, 1, 16)) == pytest.approx(30.0, abs=1e-9)
    assert at(date(2026, 1, 7)) == pytest.approx(24.0, abs=1e-9)
    assert at(START) == 20.0
    assert at(START - timedelta(days=5)) == 20.0
    assert at(END) == 40.0
    assert at(END + timedelta(days=5)) == 40.0


def test_expected_value_edge_periods() -> None:
    # a one-day goal expects the target on its day and the baseline before it
    one_day = expected_value(baseline=20.0, target=40.0, start=START, end=START, as_of=START)
    before = expected_value(
        baseline=20.0, target=40.0, start=START, end=START, as_of=START - timedelta(days=1)
    )
    assert one_day == 40.0
    assert before == 20.0
    # an end before the start is an error
    with pytest.raises(ValueError, match="before its start"):
        expected_value(baseline=0.0, target=1.0, start=END, end=START, as_of=END)


def _status(
    *,
    value: float | None = 30.0,
    high: float | None = 35.0,
    expected: float = 30.0,
    n: int = 50,
    min_n: int = 30,
    as_of: date = date(2026, 1, 16),
) -> str:
    return goal_status(
        value=value,
        high=high,
        expected=expected,
        n=n,
        min_n=min_n,
        target=40.0,
        as_of=as_of,
        end=END,
    )


def test_goal_status_boundaries_during_the_period() -> None:
    # value exactly on the expected path is on track
    assert _status(value=30.0, high=35.0, expected=30.0) == "on_track"
    # below the path but the upper bound exactly reaches it: at risk
    assert _status(value=29.0, high=30.0, expected=30.0) == "at_risk"
    # upper bound just below the path: off track
    assert _status(value=29.0, high=29.999999, expected=30.0) == "off_track"
    assert _status(value=29.0, high=None, expected=30.0) == "off_track"
    # one response short of the minimum, or no value: not enough data
    assert _status(n=29, min_n=30) == "not_enough_data"
    assert _status(n=30, min_n=30) == "on_track"
    assert _status(value=None) == "not_enough_data"


def test_goal_status_on_the_last_day_is_still_during_the_period() -> None:
    # given the last day, value 35 below target 40 but above the expected path 34
    assert _status(value=35.0, high=45.0, expected=34.0, as_of=END) == "on_track"


def test_goal_status_after_the_end_is_met_or_missed() -> None:
    day_after = END + timedelta(days=1)
    assert _status(value=40.0, high=45.0, expected=40.0, as_of=day_after) == "met"
    assert _status(value=39.99, high=45.0, expected=40.0, as_of=day_after) == "missed"
    assert _status(value=45.0, n=29, min_n=30, as_of=day_after) == "not_enough_data"
    assert set(GOAL_STATUSES) == {"on_track", "at_risk", "off_track", "not_enough_data"} | {
        "met",
        "missed",
    }


def test_progress_pct_worked_examples() -> None:
    # (35 - 20) / (40 - 20) = 75%; below the baseline is negative: (10 - 20) / 20 = -50%
    assert progress_pct(35.0, baseline=20.0, target=40.0) == 75.0
    assert progress_pct(10.0, baseline=20.0, target=40.0) == -50.0
    assert progress_pct(50.0, baseline=20.0, target=40.0) == 150.0
    assert progress_pct(None, baseline=20.0, target=40.0) is None
    assert progress_pct(30.0, baseline=40.0, target=40.0) is None
