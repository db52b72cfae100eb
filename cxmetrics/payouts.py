"""Payouts in words and money: what a plan component has earned, said plainly.

Pure (no Django). The plan pages, the incentives dashboard, scorecards and statements all say
it the same way:

* :func:`payout_word`: "earned so far" while a period is open, "paid" only in a closed
  statement;
* :func:`explain`: why a component pays what it pays, e.g. a 0% component says
  "below threshold 35: measured 28.2, lower bound 26.9";
* :func:`amount` and :func:`format_money`: a payout percent as money of the target bonus.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cxmetrics.scales import format_score

__all__ = ["EARNED_SO_FAR", "PAID", "amount", "explain", "format_money", "payout_word"]

EARNED_SO_FAR = "earned so far"
PAID = "paid"
CENT = Decimal("0.01")


def payout_word(*, closed: bool) -> str:
    """The word for a payout: only a closed period's statement has paid anything."""
    return PAID if closed else EARNED_SO_FAR


def _curve_point(value: float, metric: str) -> str:
    return format_score(value, metric) if value != int(value) else f"{value:g}"


def explain(component: Mapping[str, Any], *, min_n: int, confidence_gate: bool) -> str:
    """Why a component (a plan_attainment component dict) pays what it pays.

    Pending: how many responses are still missing (or that there is no interval yet); below
    threshold: the threshold with the measured value and the lower bound paid on; otherwise
    where on the curve the value paid on lies."""
    metric = component["metric"]
    curve = component["curve"]
    measured, low, n = component.get("measured"), component.get("low"), component.get("n") or 0
    if component["status"] == "pending":
        if n < min_n:
            return f"pending: {n} of the {min_n} responses needed"
        return "pending: no 95% interval yet to pay on"
    paid_on = component["paid_on"]
    values = f"measured {format_score(measured, metric)}"
    if confidence_gate:
        values += f", lower bound {format_score(low, metric)}"
    threshold = _curve_point(curve["threshold"], metric)
    target = _curve_point(curve["target"], metric)
    stretch = _curve_point(curve["stretch"], metric)
    if paid_on < curve["threshold"]:
        return f"below threshold {threshold}: {values}"
    if paid_on < curve["target"]:
        return f"between threshold {threshold} and target {target}: {values}"
    if paid_on < curve["stretch"]:
        return f"between target {target} and stretch {stretch}: {values}"
    return f"at or above stretch {stretch}: {values}"


def amount(pct: float | None, *, bonus: Decimal | None) -> Decimal | None:
    """``pct`` percent of the target bonus, to the cent (None without a bonus or a percent)."""
    if pct is None or bonus is None:
        return None
    return (Decimal(bonus) * Decimal(str(pct)) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal | None, currency: str) -> str:
    """An amount with its currency code, thousands separated: "4,250.00 EUR" (a dash if None)."""
    if value is None:
        return "–"
    return f"{value:,.2f} {currency}".strip()
