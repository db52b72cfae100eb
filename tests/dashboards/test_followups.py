"""The Follow-ups page: its figures from the worked example of tests/followups/test_summary.py
(values, n and intervals shown), empty states, and the page drawn from a URL."""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.selectors.dashboards import followups_board
from cxmetrics.selectors.summary import SummaryFilters
from dashboards import figures
from dashboards.pages import followups as page
from tests.followups.conftest import no_publish  # noqa: F401 - fixture
from tests.followups.test_summary import LATER, two_departments  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(two_departments):  # noqa: F811
    return followups_board(filters=SummaryFilters(), grain="day", now=LATER)


def subtitle(fig: dict) -> str:
    return fig["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")


def test_open_and_overdue_by_department(board):
    fig = figures.open_overdue_figure(board["by_department"]).to_dict()
    open_bars, overdue_bars = fig["data"]
    assert open_bars["x"] == ["Billing", "Support"]
    assert (open_bars["y"], overdue_bars["y"]) == ([0, 1], [0, 1])
    assert "n = 5 opened · 1 open · 1 overdue" in subtitle(fig)


def test_on_time_rate_over_time_with_its_band_and_n_in_the_hover(board):
    fig = figures.on_time_trend_figure(board["over_time"]).to_dict()
    upper, lower, line = fig["data"]
    # one day opened: 3 of 5 closed on time, Wilson 23.07% .. 88.24%
    assert line["x"] == ["2026-03-02"]
    assert line["y"] == [pytest.approx(60.0)]
    assert upper["y"][0] == pytest.approx(88.2379, abs=1e-4)
    assert lower["y"][0] == pytest.approx(23.0724, abs=1e-4)
    assert "3 of n = 5 opened" in line["hovertext"][0]
    assert "small sample" in line["hovertext"][0]
    assert line["marker"]["symbol"] == ["circle-open"]
    assert "fewer than 30" in subtitle(fig)


def test_root_causes_ranked_most_frequent_on_top(board):
    fig = figures.root_causes_figure(board["by_department"]).to_dict()
    bars = fig["data"][0]
    # reversed for a horizontal bar chart: the first cause is drawn on top
    assert bars["y"] == ["Slow response", "Billing error"]
    assert bars["x"] == [2, 2]
    assert "n = 4 closed" in subtitle(fig)


def test_recovery_with_its_interval_and_n(board):
    fig = figures.recovery_figure(board["by_department"]).to_dict()
    dots = fig["data"][0]
    # Billing: nobody answered again, left out; Support 1 of 2, 9.45% .. 90.55%
    assert dots["y"] == ["Support (n=2)"]
    assert dots["x"] == [pytest.approx(50.0)]
    assert dots["error_x"]["arrayminus"] == [pytest.approx(40.5469, abs=1e-4)]
    assert dots["error_x"]["array"] == [pytest.approx(40.5469, abs=1e-4)]
    assert "1 of n = 2" in dots["hovertext"][0]
    assert "n = 2" in subtitle(fig)


def test_nothing_in_the_filters_says_so(two_departments):  # noqa: F811
    empty = followups_board(
        filters=SummaryFilters(start=date(2020, 1, 1), end=date(2020, 1, 2)), grain="week"
    )
    drawn = [fig.to_dict() for fig in figures.followups_panel(empty)]
    texts = [fig["layout"]["annotations"][0]["text"] for fig in drawn]
    assert texts[0] == texts[1] == figures.NO_FOLLOWUPS
    assert "root cause" in texts[2] and "answered again" in texts[3]


def test_the_page_is_drawn_from_its_url(two_departments):  # noqa: F811
    layout = page.PAGE.layout(start="2026-03-01", end="2026-03-31", grain="day")
    trend = layout["followups-on-time"].figure.to_dict()
    assert trend["data"][-1]["x"] == ["2026-03-02"]
    assert layout["followups-recovery"].figure.to_dict()["data"][0]["y"] == ["Support (n=2)"]
