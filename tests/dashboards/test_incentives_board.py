"""The incentives page's selector (incentives_board) and page on the worked example of
tests/dashboards/incentives_world.py, with Product's plan gated on confidence: Support's plan
has earned 86% so far (4,300.00 EUR), Product's pays on the lower 95% bound of NPS 30.0
(n = 100): 30 - 15.31 = 14.69, which pays 50 + 50 x 2.69/25 = 55.4% instead of 86%."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from cxmetrics.selectors.dashboards import incentives_board
from cxmetrics.selectors.dashboards.filters import today
from dashboards.pages import incentives
from tests.dashboards.conftest import table_rows
from tests.dashboards.incentives_world import incentives_world

LOW = 30 - 1.959964 * 100 * math.sqrt((0.5 + 0.2 - 0.3**2) / 100)
GATED_PAYOUT = 50 + 50 * (LOW - 12) / 25


@pytest.fixture
def world(org):
    return incentives_world(
        start=today() - timedelta(days=15),
        end=today() + timedelta(days=15),
        day=today() - timedelta(days=2),
        gated=True,
    )


def test_the_board_says_each_plans_payouts_and_chooses_the_curve_the_gate_explains(world):
    board = incentives_board(as_of=today())

    plans = {plan["name"]: plan for plan in board["plans"]}
    support, product = plans["Support plan"], plans["Product plan"]
    assert support["word"] == "earned so far" and support["earned_pct"] == pytest.approx(86.0)
    assert support["money"]["earned"] == "4,300.00 EUR"
    assert product["money"] is None  # no target bonus
    gated = product["components"][0]
    assert gated["paid_on"] == pytest.approx(LOW, abs=1e-3)
    assert gated["payout_pct"] == pytest.approx(GATED_PAYOUT, abs=1e-3)
    assert gated["why"] == "between threshold 12 and target 37: measured 30.0, lower bound 14.7"
    # the curve drawn first: Product's, paying 30.6 points below its point value's payout
    assert board["chosen"] == f"{world['gated'].pk}-{world['goal'].pk}"
    assert [c["plan"] for c in board["curves"]] == [p["name"] for p in board["plans"]]
    # a curve asked for by its key is drawn instead
    support_key = f"{world['plan'].pk}-{world['goal'].pk}"
    assert incentives_board(as_of=today(), component=support_key)["chosen"] == support_key
    assert incentives_board(as_of=today(), component="nonsense")["chosen"] == board["chosen"]


def test_the_page_draws_the_chosen_curve_and_links_the_scorecards(world):
    # when the page's view runs for Support only
    answer = incentives.update_incentives(["support"], today().isoformat(), None)
    _matrix, _share, _attainment, plans, parts, options, chosen, curve, links = answer

    # then Support's plan alone, earned so far in percent and money, its component with why
    (row,) = table_rows(plans)
    assert (row["earned"], row["paid"], row["earned_money"]) == ("86.0%", "–", "4,300.00 EUR")
    (part,) = table_rows(parts)
    assert part["why"] == "between threshold 12 and target 37: measured 30.0"
    assert part["money"] == "4,300.00 EUR"
    # and its curve, with the measured value that pays
    assert [o["value"] for o in options] == [chosen]
    here = next(t for t in curve.data if t["name"] == "you are here")
    assert here["text"] == ["measured +30.0 pays 86%"]
    # and a link to each department's scorecard and to all of them
    hrefs = [link.href for link in links if hasattr(link, "href")]
    assert hrefs == [
        "/scorecards/billing",
        "/scorecards/logistics",
        "/scorecards/product",
        "/scorecards/stores",
        "/scorecards/support",
        "/scorecards/",
    ]
