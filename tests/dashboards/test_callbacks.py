"""Callbacks called as plain functions: one selector, one figure function each."""

from datetime import timedelta

import pytest

from cxmetrics.models import Department, Goal
from cxmetrics.selectors.dashboards.filters import today
from dashboards import components
from dashboards.figures import Figure
from dashboards.pages import automation, channels, goals, incentives, overview, voice
from tests.dashboards.conftest import respond, table_rows


@pytest.fixture
def week():
    end = today()
    return (end - timedelta(days=6)).isoformat(), end.isoformat()


def test_overview_cards_callback_renders_the_four_metrics(two_periods, week):
    cols = overview.update_cards(*week, [], [], [])
    text = str(cols)
    assert len(cols) == 4
    assert "+50.0" in text and "n = 20" in text and "80.0%" in text


def test_overview_graph_callbacks_return_figures(two_periods, week):
    trend = overview.update_trend(*week, ["web"], [], [], "nps", "day")
    breakdown = overview.update_breakdown(*week, [], [], [], "nps", "week")
    assert isinstance(trend, Figure) and "n = 20" in trend.layout["title"]["subtitle"]["text"]
    assert [y.split(" (")[0] for y in breakdown.data[0]["y"]] == ["Web"]


def test_channels_callbacks(two_periods, week):
    matrix = channels.update_matrix(*week, [], [], [], "csat")
    spread, pairwise, table = channels.update_consistency(*week, [], [], [], "nps")
    assert matrix.data[0]["x"] == ["Chat"]
    assert isinstance(spread, Figure) and isinstance(pairwise, Figure)
    assert table_rows(table) == []  # one channel: no pairs


def test_automation_callbacks(org, week):
    respond([1] * 40, metric="csat", channel="chat", handled_by="ai")
    respond([5] * 40, metric="csat", channel="chat", handled_by="human")
    _figure, flags, table = automation.update_outcomes(*week, [], [], [], "csat")
    escalation = automation.update_escalation(*week, [], [], [])
    assert "Chat" in str(flags)
    assert {r["handled_by"] for r in table_rows(table)} == {"AI", "Human"}
    assert escalation.data[0]["y"] == [0.0]


def test_voice_callbacks(org, week):
    respond([1], metric="csat", comment="Awful, the parcel is late again and nobody helped.")
    respond([2], metric="csat", comment="Terrible: parcel late again.")
    table, caption = voice.update_comments(*week, [], [], [], None, None)
    themes = voice.update_themes(*week, [], [], [], None, None)
    assert table_rows(table)[0]["comment"].startswith(("Awful", "Terrible"))
    assert "2 most negative of 2" in caption
    assert "of all 2 negative comments" in themes.layout["title"]["subtitle"]["text"]
    assert "parcel late" in themes.data[0]["y"]


def test_goals_callback_lists_goals_and_picks_a_shared_one(org, lead, week):
    goal = Goal.objects.create(
        name="CSAT to 80",
        metric="csat",
        baseline=70,
        target=80,
        start=today(),
        end=today() + timedelta(days=30),
        owner=lead,
    )
    goal.departments.set(Department.objects.filter(slug__in=["support", "billing"]))
    figure, table, options, chosen, history = goals.update_goals([], week[1], None)
    rows = table_rows(table)
    assert rows[0]["goal"] == "CSAT to 80" and rows[0]["shared"] == "yes"
    assert chosen == goal.pk and options[0]["value"] == goal.pk
    assert isinstance(figure, Figure)
    expected = next(t for t in figure.data if t["name"] == "expected today")
    assert list(expected["x"]) == [0.0]  # the goal starts today: expected at its baseline
    assert history.layout["annotations"][0]["text"].startswith("No snapshots")


def test_incentives_callback_without_plans(org, week):
    answer = incentives.update_incentives([], week[1], None)
    _matrix, _share, attainment, plans, parts, options, chosen, curve, links = answer
    assert table_rows(plans) == [] and table_rows(parts) == []
    assert "No incentive plans" in attainment.layout["annotations"][0]["text"]
    # no component, so no curve to choose or draw; the scorecards are linked all the same
    assert options == [] and chosen is None
    assert "No plan components" in curve.layout["annotations"][0]["text"]
    hrefs = [link.href for link in links if hasattr(link, "href")]
    assert hrefs[-1] == "/scorecards/" and "/scorecards/support" in hrefs


def test_table_data_names_the_columns_and_keeps_the_rows_in_order():
    columns = [{"name": "Day", "id": "day"}, {"name": "Score", "id": "score", "type": "numeric"}]
    rows = [{"day": "2026-11-02", "score": 4}, {"day": "2026-11-01", "score": 1}]
    assert components.table_data(columns, rows, page_size=10) == {
        "columns": [
            {"id": "day", "name": "Day", "numeric": False},
            {"id": "score", "name": "Score", "numeric": True},
        ],
        "rows": rows,
        "page_size": 10,
    }
