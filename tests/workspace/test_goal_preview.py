"""The goal editor's live figures (selectors.goal_preview) on stored data, worked by hand.

Shared example (NPS 30, used by most tests): on 2025-01-01 (the window's first day) 100 web
answers and on 2025-03-31 (its last) 100 chat answers, each 50 promoters, 30 passives and 20
detractors; one day earlier, outside the window, 40 detractors that must not count.
Today is 2025-03-31, so the window is 2025-01-01..2025-03-31 (90 days).

All channels: n = 200, NPS = 100 * (0.5 - 0.2) = 30; per-answer variance
0.5 + 0.2 - 0.3^2 = 0.61; 95% margin 1.959964 * 100 * sqrt(0.61 / 200) = 10.8243 ->
[19.1757, 40.8243]. Rate 200 / 90 = 2.2222 a day; Q2 2025 (2025-04-01..06-30, 91 days)
expects 202.222 answers. Detectable: 2.801585 * 100 * sqrt(0.61/200 + 0.61/202.222)
= 2.801585 * 7.78876 = 21.8209 points, so the band is [8.1791, 51.8209].
"""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.metrics import TEST_NPS_Z, TEST_TWO_PROPORTION_Z, TEST_WELCH_T
from cxmetrics.selectors.goal_preview import detectable_change, goal_preview
from tests.goals.conftest import store

TODAY = date(2025, 3, 31)
Q2 = {"start": date(2025, 4, 1), "end": date(2025, 6, 30)}
NPS_30 = [9] * 50 + [7] * 30 + [3] * 20


@pytest.fixture
def nps_data(org):
    store(scores=NPS_30, metric="nps", day=date(2025, 1, 1), channel="web")
    store(scores=NPS_30, metric="nps", day=date(2025, 3, 31), channel="chat", handled_by="ai")
    store(scores=[0] * 40, metric="nps", day=date(2024, 12, 31), channel="web")


def preview(**overrides):
    values = {
        "metric": "nps",
        "channels": (),
        "handled_by": (),
        "start": Q2["start"],
        "end": Q2["end"],
        "target": 45.0,
        "today": TODAY,
    }
    values.update(overrides)
    return goal_preview(**values)


def test_nps_of_the_last_90_days_with_what_the_next_quarter_can_detect(
    nps_data, django_assert_num_queries
):
    # when
    with django_assert_num_queries(1):
        figures = preview()

    # then
    assert figures["window"] == {"start": date(2025, 1, 1), "end": TODAY, "days": 90}
    assert figures["n"] == 200
    assert figures["value"] == pytest.approx(30.0)
    assert figures["low"] == pytest.approx(19.1757, abs=1e-4)
    assert figures["high"] == pytest.approx(40.8243, abs=1e-4)
    assert figures["per_day"] == pytest.approx(2.2222, abs=1e-4)
    assert figures["expected_n"] == pytest.approx(202.222, abs=1e-3)
    assert figures["detectable"] == pytest.approx(21.8209, abs=1e-4)
    assert figures["band"] == pytest.approx([8.1791, 51.8209], abs=1e-4)
    assert figures["test"] == TEST_NPS_Z
    # and a target of 45 (15 points up) is inside the band
    assert figures["flag"] == "cannot be told from noise with about 202 responses"


def test_a_target_beyond_the_band_is_not_flagged(nps_data):
    assert preview(target=52.0)["flag"] is None
    assert preview(target=8.0)["flag"] is None
    assert preview(target=9.0)["flag"] == "cannot be told from noise with about 202 responses"
    assert preview(target=None)["flag"] is None


def test_the_scope_narrows_the_figures(nps_data):
    """Chat only: n = 100, margin 1.959964 * 100 * sqrt(0.61/100) = 15.3079; rate 100/90 a day,
    101.111 expected; detectable 2.801585 * 100 * sqrt(0.61/100 + 0.61/101.111) = 30.8594."""
    figures = preview(channels=("chat",))

    assert figures["n"] == 100
    assert figures["value"] == pytest.approx(30.0)
    assert figures["low"] == pytest.approx(14.6921, abs=1e-4)
    assert figures["expected_n"] == pytest.approx(101.111, abs=1e-3)
    assert figures["detectable"] == pytest.approx(30.8594, abs=1e-4)
    assert preview(channels=("chat",), handled_by=("ai",))["n"] == 100
    assert preview(channels=("web",), handled_by=("ai",))["n"] == 0
    assert preview(scope_departments=("support",))["n"] == 200
    assert preview(scope_departments=("billing",))["n"] == 0


def test_a_longer_period_detects_a_smaller_change(nps_data):
    """The second half of 2025 (184 days): 2.2222 * 184 = 408.889 expected; detectable
    2.801585 * 100 * sqrt(0.00305 + 0.00149185) = 2.801585 * 6.73932 = 18.8808."""
    figures = preview(start=date(2025, 7, 1), end=date(2025, 12, 31))

    assert figures["expected_n"] == pytest.approx(408.889, abs=1e-3)
    assert figures["detectable"] == pytest.approx(18.8808, abs=1e-4)
    assert figures["flag"] == "cannot be told from noise with about 409 responses"


def test_without_a_period_only_the_recent_value_is_known(nps_data):
    for period in ({"start": None}, {"end": None}, {"end": date(2025, 3, 31)}):
        figures = preview(**period)
        assert figures["n"] == 200
        assert figures["expected_n"] is None
        assert figures["detectable"] is None
        assert figures["band"] is None
        assert figures["flag"] is None


def test_no_answers_in_the_scope(nps_data):
    figures = preview(channels=("email",))

    assert figures["n"] == 0
    assert figures["value"] is None
    assert figures["low"] is None
    assert figures["expected_n"] == 0.0
    assert figures["detectable"] is None
    assert figures["flag"] is None


def test_csat_uses_the_two_proportion_test(org):
    """CSAT: 80 of 100 satisfied (p = 0.8) on 2025-02-01; Q2 expects 100/90 * 91 = 101.111;
    detectable 2.801585 * 100 * sqrt(0.0016 + 0.0015824) = 2.801585 * 5.64129 = 15.8046."""
    store(scores=[5] * 80 + [2] * 20, metric="csat", day=date(2025, 2, 1))

    figures = preview(metric="csat", target=90.0)

    assert figures["value"] == pytest.approx(80.0)
    assert figures["test"] == TEST_TWO_PROPORTION_Z
    assert figures["detectable"] == pytest.approx(15.8046, abs=1e-4)
    assert figures["flag"] == "cannot be told from noise with about 101 responses"


def test_ces_uses_welch_t(org):
    """CES: five 3s and five 5s (mean 4, s^2 = 10/9) on 2025-02-01. A period of 90 days expects
    10 answers: df 18, detectable (2.100922 + 0.862049) * sqrt(2 * 1.11111 / 10) = 1.39676."""
    store(scores=[3] * 5 + [5] * 5, metric="ces", day=date(2025, 2, 1))

    figures = preview(metric="ces", start=date(2025, 4, 1), end=date(2025, 6, 29), target=6.0)

    assert figures["value"] == pytest.approx(4.0)
    assert figures["test"] == TEST_WELCH_T
    assert figures["expected_n"] == pytest.approx(10.0)
    assert figures["detectable"] == pytest.approx(1.39676, abs=1e-4)
    assert figures["flag"] is None  # 2 points up is beyond 1.4


def test_sentiment_reads_its_own_sums():
    """Sentiment sums of 90 compounds (s^2 = 0.09) against 30 expected: the worked example of
    tests/test_power.py, 0.180737; the CES columns of the same row are not read."""
    counts = {"sentiment_n": 90, "sentiment_total": 9.0, "sentiment_total_sq": 8.91}
    counts |= {"n": 10, "total": 40.0, "total_sq": 170.0}

    found = detectable_change("sentiment", counts, 30)

    assert found.change == pytest.approx(0.180737, abs=1e-5)
    assert detectable_change("ces", counts, 10).change == pytest.approx(1.39676, abs=1e-4)
