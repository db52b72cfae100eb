"""A closed period's payout statement as a download: CSV rows and a PDF.

Pure (no Django, no database): both take the plan's attainment as
:func:`cxmetrics.selectors.goals.plan_attainment` returns it for a closed plan (the frozen
figures, ``source == "statement"``) and the plan's target bonus and currency. CSV cells go
through :mod:`cxmetrics.csvsafe`; the PDF is written with fpdf2 (pure Python) in its core
Helvetica font, so text outside Latin-1 is shown with a replacement character.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from cxmetrics import payouts
from cxmetrics.csvsafe import csv_text
from cxmetrics.scales import format_score

__all__ = ["CSV_COLUMNS", "statement_csv", "statement_pdf", "statement_rows"]

CSV_COLUMNS = (
    "plan",
    "department",
    "period_start",
    "period_end",
    "closed_at",
    "closed_by",
    "formula_version",
    "goal",
    "metric",
    "weight_pct",
    "threshold",
    "target",
    "stretch",
    "measured",
    "lower_bound",
    "n",
    "paid_on",
    "payout_pct",
    "contribution_pct",
    "amount",
    "currency",
    "explanation",
)
"""One row per component, then a "Total" row (plan percent and money)."""


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def statement_rows(
    attainment: Mapping[str, Any], *, target_bonus: Decimal | None, currency: str
) -> list[list[Any]]:
    """The statement as CSV rows (header first). ``amount`` is each component's contribution
    as money of the target bonus (empty without one); the total row's amount is the plan's."""
    statement = attainment["statement"] or {}
    closed_at = statement.get("closed_at")
    common = [
        attainment["name"],
        attainment["department_name"],
        attainment["period_start"].isoformat(),
        attainment["period_end"].isoformat(),
        closed_at.isoformat() if closed_at else None,
        statement.get("closed_by"),
        attainment["formula_version"],
    ]
    rows: list[list[Any]] = [list(CSV_COLUMNS)]
    for component in attainment["components"]:
        curve = component["curve"]
        contribution = component["contribution"]
        rows.append(
            [
                *common,
                component["goal_name"],
                component["metric"],
                component["weight"],
                curve["threshold"],
                curve["target"],
                curve["stretch"],
                component["measured"],
                component["low"],
                component["n"],
                component["paid_on"],
                component["payout_pct"],
                contribution,
                _money(payouts.amount(contribution, bonus=target_bonus)),
                currency if target_bonus is not None else None,
                payouts.explain(
                    component,
                    min_n=attainment["min_n"],
                    confidence_gate=attainment["confidence_gate"],
                ),
            ]
        )
    total = attainment["paid_pct"]
    rows.append(
        [
            *common,
            "Total",
            *[None] * 10,
            total,
            _money(payouts.amount(total, bonus=target_bonus)),
            currency if target_bonus is not None else None,
            f"{attainment['pending']} component(s) pending" if attainment["pending"] else None,
        ]
    )
    return rows


def statement_csv(
    attainment: Mapping[str, Any], *, target_bonus: Decimal | None, currency: str
) -> Iterator[str]:
    """:func:`statement_rows` as CSV text, every cell defused (cxmetrics.csvsafe)."""
    return csv_text(statement_rows(attainment, target_bonus=target_bonus, currency=currency))


def _latin1(text: Any) -> str:
    text = "" if text is None else str(text)
    return text.replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{round(value, 1):g}%"


def statement_pdf(
    attainment: Mapping[str, Any], *, target_bonus: Decimal | None, currency: str
) -> bytes:
    """The statement as a one-page (or longer) A4 PDF: header, total paid, one line per
    component with its explanation."""
    from fpdf import FPDF  # imported here: only the PDF download needs it

    statement = attainment["statement"] or {}
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Payout statement: {attainment['name']}"))
    pdf.set_creator("cxmetrics")
    pdf.set_compression(False)  # plain text inside: searchable by any tool, tiny anyway
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(
        0, 9, _latin1(f"Payout statement: {attainment['name']}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 10)
    closed_at = statement.get("closed_at")
    total = attainment["paid_pct"]
    money = payouts.format_money(payouts.amount(total, bonus=target_bonus), currency)
    lines = [
        f"Department: {attainment['department_name']}",
        f"Period: {attainment['period_start']} to {attainment['period_end']}",
        f"Closed at: {closed_at:%Y-%m-%d %H:%M %Z} by {statement.get('closed_by')}"
        if closed_at
        else "Not closed",
        f"Formula version: {attainment['formula_version']}",
        "Confidence gate (pays on the 95% lower bound): "
        + ("yes" if attainment["confidence_gate"] else "no")
        + f"; minimum responses: {attainment['min_n']}",
        "Target bonus: "
        + (payouts.format_money(target_bonus, currency) if target_bonus is not None else "none"),
    ]
    for line in lines:
        pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    paid = f"Total {payouts.PAID}: {_pct(total)}"
    if target_bonus is not None:
        paid += f" = {money}"
    pdf.cell(0, 8, _latin1(paid), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for component in attainment["components"]:
        metric = component["metric"]
        contribution = component["contribution"]
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(
            0,
            6,
            _latin1(f"{component['goal_name']} ({component['weight']}%)"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", "", 10)
        detail = (
            f"Measured {format_score(component['measured'], metric)}, lower bound "
            f"{format_score(component['low'], metric)}, n = {component['n']}; "
            f"payout {_pct(component['payout_pct'])}, contribution {_pct(contribution)}"
        )
        if target_bonus is not None:
            detail += " = " + payouts.format_money(
                payouts.amount(contribution, bonus=target_bonus), currency
            )
        pdf.multi_cell(0, 5, _latin1(detail), new_x="LMARGIN", new_y="NEXT")
        explanation = payouts.explain(
            component, min_n=attainment["min_n"], confidence_gate=attainment["confidence_gate"]
        )
        pdf.multi_cell(0, 5, _latin1(explanation), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())
