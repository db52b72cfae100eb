"""Goals and plans check their periods by one rule: both ends dates, the end not first."""

from __future__ import annotations

from datetime import date

from cxmetrics.services.goals import goal_errors, plan_errors


def test_a_goal_needs_both_dates_and_an_end_not_before_its_start():
    missing = goal_errors(values={"start": None, "end": "2026-01-01"})
    backwards = goal_errors(values={"start": date(2026, 2, 1), "end": date(2026, 1, 31)})
    same_day = goal_errors(values={"start": date(2026, 2, 1), "end": date(2026, 2, 1)})

    assert missing["start"] == ["A date is required."]
    assert missing["end"] == ["A date is required."]
    assert backwards["end"] == ["Must be on or after the start."]
    assert "start" not in backwards
    assert "start" not in same_day and "end" not in same_day


def test_a_plan_needs_both_dates_and_an_end_not_before_its_start():
    missing = plan_errors(values={"period_end": date(2026, 1, 1)}, components=[])
    backwards = plan_errors(
        values={"period_start": date(2026, 2, 1), "period_end": date(2026, 1, 31)}, components=[]
    )

    assert missing["period_start"] == ["A date is required."]
    assert "period_end" not in missing
    assert backwards["period_end"] == ["Must be on or after the period start."]
    assert list(backwards)[:3] == ["name", "department", "period_end"]
