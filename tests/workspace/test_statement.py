"""A closed period's statement: the HTML page, the CSV and the PDF downloads (worked example of
tests/workspace/test_plan_fixtures.py: NPS 30 pays 75% x 60 = 45% = 2,250.00 EUR; CSAT 85
pays 125% x 40 = 50% = 2,500.00 EUR; total 95% = 4,750.00 EUR of 5,000.00 EUR)."""

# The fixtures are imported from test_plan_fixtures (no conftest of ours): pytest passes
# them by name, so the test arguments 'redefine' the imports.
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cxmetrics import incentives
from cxmetrics.models import Response
from cxmetrics.services import goals as goal_services
from tests.goals.conftest import store
from tests.workspace.test_plan_fixtures import (  # noqa: F401 - fixtures
    admin_user,
    billing_lead,
    fast_password_hashing,
    january,
    logged_in,
    worked_plan,
)

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    """The page's words (tags and SVGs dropped, spaces collapsed)."""
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def closed(worked_plan, admin_user):
    goal_services.close_period(plan=worked_plan, actor=admin_user)
    worked_plan.refresh_from_db()
    return worked_plan


def test_the_statement_page_shows_frozen_figures_who_closed_it_and_the_formula(
    logged_in, lead, closed
):
    html = logged_in(lead).get(f"/plans/{closed.pk}/statement").content.decode()
    text = words(html)
    assert "Payout statement: Support January plan" in text
    assert f"Closed by boss at {closed.closed_at:%Y-%m-%d %H:%M}" in text
    assert f"formula version {incentives.FORMULA_VERSION}" in text
    assert "Paid 95% · 4,750.00 EUR" in text
    assert "No responses of this period arrived after closing." in text
    assert f'href="/plans/{closed.pk}/statement.csv"' in html
    assert f'href="/plans/{closed.pk}/statement.pdf"' in html


def test_late_responses_are_noted_beside_the_statement_never_in_it(logged_in, lead, closed):
    # given: ten more promoters of January arrive after closing
    store(scores=[10] * 10, metric="nps")
    # when
    html = logged_in(lead).get(f"/plans/{closed.pk}/statement").content.decode()
    # then
    text = words(html)
    assert "10 responses of this period arrived after closing." in text
    assert "Paid 95% · 4,750.00 EUR" in text


def test_the_plan_page_of_a_closed_plan_does_not_count_late_responses(logged_in, lead, closed):
    # given: late responses, which only the statement mentions
    store(scores=[10] * 10, metric="nps")
    client = logged_in(lead)
    # when the plan's own page is read
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/plans/{closed.pk}").content.decode()
    # then it shows the frozen figures without reading raw responses (the late-data COUNT)
    assert "Paid 95% · 4,750.00 EUR" in words(html)
    assert not [q for q in queries if Response._meta.db_table in q["sql"]]


def test_the_csv_pins_the_worked_example(logged_in, lead, closed):
    # when
    response = logged_in(lead).get(f"/plans/{closed.pk}/statement.csv")
    # then
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    nps, csat, total = rows
    for row in rows:
        assert (row["plan"], row["department"], row["period_start"], row["period_end"]) == (
            "Support January plan",
            "Support",
            "2025-01-01",
            "2025-01-31",
        )
        assert (row["closed_by"], row["formula_version"]) == ("boss", incentives.FORMULA_VERSION)
    assert (nps["goal"], nps["metric"], nps["weight_pct"], nps["n"]) == (
        "NPS to 40 by the end of January",
        "nps",
        "60",
        "100",
    )
    assert [float(nps[k]) for k in ("threshold", "target", "stretch", "measured")] == [
        20.0,
        40.0,
        60.0,
        pytest.approx(30.0),
    ]
    assert float(nps["lower_bound"]) < 30.0
    assert float(nps["payout_pct"]) == pytest.approx(75.0)
    assert float(nps["contribution_pct"]) == pytest.approx(45.0)
    assert (nps["amount"], nps["currency"]) == ("2250.00", "EUR")
    assert nps["explanation"] == "between threshold 20 and target 40: measured 30.0"
    assert float(csat["payout_pct"]) == pytest.approx(125.0)
    assert float(csat["contribution_pct"]) == pytest.approx(50.0)
    assert csat["amount"] == "2500.00"
    assert csat["explanation"] == "between target 80 and stretch 90: measured 85.0%"
    assert total["goal"] == "Total"
    assert float(total["contribution_pct"]) == pytest.approx(95.0)
    assert (total["amount"], total["currency"], total["explanation"]) == ("4750.00", "EUR", "")


def test_csv_cells_a_spreadsheet_would_run_are_defused(logged_in, admin_user, lead, january):
    from tests.goals.conftest import make_plan

    plan = make_plan(
        actor=lead,
        name="=HYPERLINK(1)",
        components=[(january["nps"], 100, (20.0, 40.0, 60.0))],
    )
    goal_services.close_period(plan=plan, actor=admin_user)
    body = b"".join(logged_in(lead).get(f"/plans/{plan.pk}/statement.csv").streaming_content)
    assert "'=HYPERLINK(1)" in body.decode()


def test_the_pdf_is_a_pdf_naming_the_plan_and_its_total(logged_in, lead, closed):
    response = logged_in(lead).get(f"/plans/{closed.pk}/statement.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Payout statement: Support January plan" in response.content
    assert b"Total paid: 95% = 4,750.00 EUR" in response.content
    assert b"between threshold 20 and target 40: measured 30.0" in response.content


@pytest.mark.parametrize("suffix", ["statement", "statement.csv", "statement.pdf"])
def test_every_reader_reads_the_statement_and_integrators_do_not(
    logged_in, lead, executive, admin_user, billing_lead, integrator, closed, suffix
):
    url = f"/plans/{closed.pk}/{suffix}"
    for user in (lead, executive, admin_user, billing_lead):
        assert logged_in(user).get(url).status_code == 200
    assert logged_in(integrator).get(url).status_code == 403


@pytest.mark.parametrize("suffix", ["statement", "statement.csv", "statement.pdf"])
def test_anonymous_visitors_are_sent_to_log_in(client, closed, suffix):
    response = client.get(f"/plans/{closed.pk}/{suffix}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("suffix", ["statement", "statement.csv", "statement.pdf"])
def test_an_open_plan_has_no_statement(logged_in, lead, worked_plan, suffix):
    assert logged_in(lead).get(f"/plans/{worked_plan.pk}/{suffix}").status_code == 404
