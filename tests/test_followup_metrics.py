"""Specification tests for cxmetrics.metrics.followups and the shared Wilson share
(`metrics.proportion`): worked examples pinned to the hundredth, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxmetrics.metrics import csat, proportion
from cxmetrics.metrics.followups import followup_result, median


def counts(**overrides: int) -> dict[str, int]:
    base = {
        "opened": 50,
        "closed": 40,
        "closed_on_time": 37,
        "resolved": 12,
        "recovery_n": 9,
        "recovered": 7,
    }
    return {**base, **overrides}


def test_on_time_rate_is_closed_on_time_over_opened_with_wilson_interval() -> None:
    # given 50 follow-ups opened, 37 of them closed within their SLA (3 more closed late,
    # 10 still open)
    # when
    result = followup_result(**counts())
    # then the on-time rate is 37 / 50 = 74% with the Wilson 95% interval 60.45% .. 84.13%
    assert result.on_time is not None
    assert result.on_time.n == 50
    assert result.on_time.successes == 37
    assert result.on_time.score == pytest.approx(74.0)
    assert result.on_time.low == pytest.approx(60.4468, abs=1e-4)
    assert result.on_time.high == pytest.approx(84.1285, abs=1e-4)


def test_share_resolved_is_over_closed_not_over_opened() -> None:
    # given 12 of the 40 closed follow-ups resolved
    result = followup_result(**counts())
    # then 12 / 40 = 30% (18.07% .. 45.43%), not 12 / 50
    assert result.resolved_share is not None
    assert result.resolved_share.n == 40
    assert result.resolved_share.score == pytest.approx(30.0)
    assert result.resolved_share.low == pytest.approx(18.0748, abs=1e-4)
    assert result.resolved_share.high == pytest.approx(45.4300, abs=1e-4)


def test_recovery_is_recovered_over_customers_who_answered_again() -> None:
    # given 9 closed follow-ups whose customer answered again, 7 of them above the band
    result = followup_result(**counts())
    # then recovery is 7 / 9 = 77.78% (45.26% .. 93.68%) with n = 9
    assert result.recovery is not None
    assert result.recovery.n == 9
    assert result.recovery.successes == 7
    assert result.recovery.score == pytest.approx(77.7778, abs=1e-4)
    assert result.recovery.low == pytest.approx(45.2589, abs=1e-4)
    assert result.recovery.high == pytest.approx(93.6775, abs=1e-4)


def test_the_counts_are_carried_through() -> None:
    result = followup_result(**counts())
    assert (result.opened, result.closed, result.closed_on_time, result.resolved) == (
        50,
        40,
        37,
        12,
    )


def test_empty_denominators_give_no_share() -> None:
    # given nothing opened at all, or opened but nothing closed, or nobody answered again
    nothing = followup_result(**counts(opened=0, closed=0, closed_on_time=0, resolved=0,
                                       recovery_n=0, recovered=0))  # fmt: skip
    open_only = followup_result(
        **counts(opened=4, closed=0, closed_on_time=0, resolved=0, recovery_n=0, recovered=0)
    )
    # then a share is None where its denominator is 0, and 0% where only the numerator is
    assert (nothing.on_time, nothing.resolved_share, nothing.recovery) == (None, None, None)
    assert open_only.on_time is not None
    assert open_only.on_time.score == 0.0
    assert open_only.on_time.high == pytest.approx(48.9891, abs=1e-4)
    assert (open_only.resolved_share, open_only.recovery) == (None, None)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closed": 51}, r"closed \(51\) cannot exceed opened \(50\)"),
        ({"closed_on_time": 41}, r"closed_on_time \(41\) cannot exceed closed \(40\)"),
        ({"resolved": 41}, r"resolved \(41\) cannot exceed closed \(40\)"),
        ({"recovery_n": 41, "recovered": 0}, r"recovery_n \(41\) cannot exceed closed \(40\)"),
        ({"recovered": 10}, r"recovered \(10\) cannot exceed recovery_n \(9\)"),
        ({"opened": -1}, "opened must be >= 0"),
        ({"recovered": -1}, "recovered must be >= 0"),
    ],
)
def test_impossible_counts_raise_naming_the_count(overrides, message) -> None:
    with pytest.raises(ValueError, match=message):
        followup_result(**counts(**overrides))


def test_equal_parts_are_allowed() -> None:
    # every follow-up closed on time, resolved, and every customer answered again, recovered
    result = followup_result(
        opened=3, closed=3, closed_on_time=3, resolved=3, recovery_n=3, recovered=3
    )
    assert result.on_time is not None
    assert result.on_time.score == 100.0
    assert result.on_time.low == pytest.approx(43.8503, abs=1e-4)
    assert result.on_time.high == 100.0


# --- the shared Wilson share ---------------------------------------------------------------


def test_proportion_is_the_interval_csat_uses() -> None:
    # given 74 of 107 (the CSAT worked example)
    share, satisfied = proportion(74, 107), csat(74, 107)
    assert share is not None and satisfied is not None
    assert (share.score, share.low, share.high) == (satisfied.score, satisfied.low, satisfied.high)
    assert share.low == pytest.approx(59.87, abs=0.005)
    assert share.high == pytest.approx(77.12, abs=0.005)


def test_proportion_empty_is_none_and_bad_counts_raise() -> None:
    assert proportion(0, 0) is None
    with pytest.raises(ValueError, match=r"successes \(5\) cannot exceed n \(4\)"):
        proportion(5, 4)
    with pytest.raises(ValueError, match="successes must be >= 0"):
        proportion(-1, 4)
    with pytest.raises(ValueError, match="n must be >= 0"):
        proportion(0, -1)


def test_proportion_of_one_carries_its_counts() -> None:
    share = proportion(1, 1)
    assert share is not None
    assert (share.n, share.successes, share.score, share.high) == (1, 1, 100.0, 100.0)
    assert share.low == pytest.approx(20.6549, abs=1e-4)


@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_proportion_interval_contains_the_share(k_n: tuple[int, int]) -> None:
    share = proportion(*k_n)
    assert share is not None
    assert 0.0 <= share.low <= share.score <= share.high <= 100.0


# --- median --------------------------------------------------------------------------------


def test_median_of_an_odd_count_is_the_middle_value() -> None:
    assert median([30.0, 2.5, 8.0]) == 8.0


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_values() -> None:
    # as percentile_cont(0.5): 4, 6, 10, 50 -> (6 + 10) / 2
    assert median([50.0, 6.0, 4.0, 10.0]) == 8.0


def test_median_skips_missing_values_and_is_none_without_any() -> None:
    assert median([None, 3.0, None]) == 3.0
    assert median([None]) is None
    assert median([]) is None


def test_median_of_two() -> None:
    assert median([1.0, 2.0]) == 1.5
