"""Figures and layout pieces are pure: plain data in, a Figure or components out."""

import plotly.graph_objects as go

from dashboards import components, figures


def _valid(fig):
    """The builders skip plotly's validation for speed; plotly must still accept the figure."""
    go.Figure(fig.to_dict())
    return fig


def _point(key, score, n, low_sample=False):
    return {
        "key": key,
        "label": key,
        "score": score,
        "n": n,
        "ci95": [score - 5, score + 5],
        "err95": [5, 5],
        "low_sample": low_sample,
    }


def test_a_trend_states_n_and_draws_small_samples_hollow():
    # given two weeks, the second on a small sample
    trend = {
        "metric": "nps",
        "grain": "week",
        "n": 512,
        "low_n": 30,
        "points": [_point("2026-01-05", 20.0, 500), _point("2026-01-12", 35.0, 12, True)],
    }

    # when it is drawn
    fig = _valid(figures.trend_figure(trend))

    # then the title states n, the band is drawn and the small sample is hollow
    assert "n = 512" in fig.layout["title"]["subtitle"]["text"]
    line = fig.data[-1]
    assert list(line["marker"]["symbol"]) == ["circle", "circle-open"]
    assert fig.data[1]["fill"] == "tonexty"
    assert list(fig.data[0]["y"]) == [25.0, 40.0]


def test_no_data_gives_a_figure_that_says_so():
    fig = figures.trend_figure(
        {"metric": "nps", "grain": "week", "n": 0, "low_n": 30, "points": []}
    )
    assert fig.layout["annotations"][0]["text"] == figures.NO_MATCH


def test_small_sample_cells_of_the_matrix_are_not_coloured():
    matrix = {
        "metric": "csat",
        "n": 110,
        "low_n": 30,
        "channels": [{"key": "chat", "label": "Chat"}, {"key": "web", "label": "Web"}],
        "departments": [{"key": "support", "label": "Support"}],
        "cells": [
            {"channel": "chat", "department": "support", **_point("x", 80, 100)},
            {"channel": "web", "department": "support", **_point("y", 10, 10, True)},
        ],
    }
    fig = _valid(figures.matrix_figure(matrix))
    assert list(fig.data[0]["z"][0]) == [80, None]
    assert "small n" in fig.data[0]["text"][0][1]


def test_only_significant_channel_gaps_are_coloured():
    consistency = {
        "metric": "csat",
        "n": 300,
        "low_n": 30,
        "channels": [_point("store", 90, 100), _point("web", 40, 100), _point("app", 42, 100)],
        "matrix": [
            {
                "row": "store",
                "col": "web",
                "difference": 50.0,
                "p_adjusted": 0.001,
                "significant": True,
            },
            {
                "row": "web",
                "col": "app",
                "difference": -2.0,
                "p_adjusted": 0.7,
                "significant": False,
            },
        ],
        "pairs": [],
        "best": None,
        "worst": None,
        "spread": None,
    }
    fig = _valid(figures.pairwise_figure(consistency))
    assert fig.data[0]["z"][0][1] == 50.0
    assert fig.data[0]["z"][1][2] is None and fig.data[0]["text"][1][2] == "n.s."


def test_pairwise_figure_shows_the_tested_pairs_when_none_differs_significantly():
    # given two channels whose difference is not significant
    cell = {"difference": 0.4, "p_adjusted": 0.9, "significant": False}
    consistency = {
        "metric": "nps",
        "channels": [{"key": "web", "label": "Web"}, {"key": "app", "label": "App"}],
        "matrix": [{"row": "web", "col": "app", **cell}, {"row": "app", "col": "web", **cell}],
    }
    # when
    fig = _valid(figures.pairwise_figure(consistency))
    # then the cells are drawn (neutral, labelled n.s.), not an empty grid
    assert [list(row) for row in fig.data[0]["z"]] == [[None, 0], [0, None]]
    assert fig.data[0]["text"][0][1] == "n.s." and fig.data[0]["showscale"] is False
    assert (
        "no difference between channels is significant" in (fig.layout["title"]["subtitle"]["text"])
    )


def _entry(key, risk):
    group = _point(key, 50.0, 100)
    return {
        "key": key,
        "label": key.title(),
        "over_automation_risk": risk,
        "groups": {"ai": group, "human": group, "ai_to_human": None},
        "ai_vs_human": {"difference": -20.0, "p": 0.001, "p_adjusted": 0.002, "significant": risk},
        "escalated_vs_human": None,
    }


def test_over_automation_risk_is_flagged_on_the_figure_and_above_it():
    comparison = {
        "metric": "csat",
        "n": 400,
        "low_n": 30,
        "channels": [_entry("chat", True), _entry("email", False)],
        "overall": {**_entry("all", False), "ai_vs_human": None},
    }
    fig, flags, rows = components.automation_panel(comparison)
    _valid(fig)
    assert [a["x"] for a in fig.layout["annotations"] if "AI worse" in a["text"]] == ["Chat"]
    assert "Over-automation risk" in str(flags)
    assert [r["risk"] for r in rows if r["handled_by"] == "AI"] == ["yes", "", ""]


def test_kpi_cards_show_value_n_interval_and_change():
    card = {
        "metric": "csat",
        "label": "CSAT",
        "period": ["2026-02-01", "2026-02-28"],
        "previous_period": ["2026-01-04", "2026-01-31"],
        "current": {**_point("all", 81.25, 1200), "low_sample": False},
        "previous": None,
        "change": {"difference": 3.5, "p": 0.0004, "significant": True, "z": 3.5},
    }
    text = str(components.kpi_cards([card]))
    assert "81.2%" in text and "n = 1,200" in text and "76.2% to 86.2%" in text
    assert "+3.5 pts" in text and "significant" in text and "p < 0.001" in text


def _goal(name, status, progress, **fields):
    base = {
        "goal_id": 1,
        "name": name,
        "metric": "nps",
        "status": status,
        "baseline": 30.0,
        "target": 45.0,
        "stretch": None,
        "expected": 37.5,
        "value": 40.0,
        "low": 35.0,
        "high": 45.0,
        "n": 200,
        "min_n": 30,
    }
    return {**base, **fields, "progress": progress}


def test_the_goals_chart_puts_every_goal_on_one_baseline_to_target_scale():
    # given two goals: one on track with an interval, one without a value yet
    on_track = _goal(
        "NPS to 45",
        "on_track",
        {"value": 66.7, "low": 33.3, "high": 100.0, "expected": 50.0, "stretch": None},
    )
    empty = _goal(
        "CSAT to 90",
        "not_enough_data",
        {"value": None, "low": None, "high": None, "expected": 10.0, "stretch": 120.0},
        metric="csat",
        value=None,
        low=None,
        high=None,
        n=0,
        stretch=95.0,
    )
    fig = _valid(figures.goals_figure({"as_of": "2026-11-27", "goals": [on_track, empty]}))

    # then one trace per mark, each goal a row (first on top), positions as given
    traces = {t["name"]: t for t in fig.data}
    assert list(traces) == [
        "baseline (0%)",
        "target (100%)",
        "stretch",
        "expected today",
        "95% interval",
        "measured",
    ]
    rows = list(traces["measured"]["y"])
    assert rows[0].startswith("<b>NPS to 45</b><br>On track · NPS · n = 200")
    assert "Not enough data" in rows[1] and fig.layout["yaxis"]["autorange"] == "reversed"
    assert list(traces["measured"]["x"]) == [66.7, None]
    assert list(traces["expected today"]["x"]) == [50.0, 10.0]
    assert list(traces["stretch"]["x"]) == [None, 120.0]
    assert list(traces["95% interval"]["x"]) == [33.3, 100.0, None]  # the empty goal has none
    assert list(traces["measured"]["marker"]["symbol"]) == ["circle", "circle-open"]
    # and the hover gives each goal's own units
    assert "NPS +40.0 (95% CI +35.0 to +45.0), n = 200" in traces["measured"]["customdata"][0]
    assert "target +45.0" in traces["measured"]["customdata"][0]


def test_the_goal_history_draws_value_band_and_expected_path():
    timeline = {
        "goal": {"name": "CSAT to 80", "metric": "csat", "target": 80.0, "status": "on_track"},
        "history": [
            {
                "as_of": "2026-01-01",
                "value": 70.0,
                "n": 40,
                "low": 60.0,
                "high": 78.0,
                "expected": 70.0,
                "status": "on_track",
            },
            {
                "as_of": "2026-01-02",
                "value": None,
                "n": 0,
                "low": None,
                "high": None,
                "expected": 70.5,
                "status": "not_enough_data",
            },
        ],
    }
    fig = _valid(figures.goal_history_figure(timeline))
    assert [t.get("name") for t in fig.data][1:] == ["95% interval", "expected path", "measured"]
    assert list(fig.data[-1]["marker"]["symbol"]) == ["circle", "circle-open"]
    assert "latest n = 0" in fig.layout["title"]["subtitle"]["text"]


def test_figures_are_valid_plotly_figures():
    trend = {
        "metric": "ces",
        "grain": "day",
        "n": 40,
        "low_n": 30,
        "points": [_point("2026-01-05", 5.1, 40)],
    }
    escalation = {
        "n": 80,
        "low_n": 30,
        "overall": {"share": 25.0},
        "channels": [
            {
                "label": "Chat",
                "share": 25.0,
                "n": 80,
                "escalated": 20,
                "ci95": [16.8, 35.5],
                "err95": [8.2, 10.5],
                "low_sample": False,
            }
        ],
    }
    goals = {
        "as_of": "2026-01-31",
        "goals": [
            {
                "goal_id": 1,
                "name": "CSAT to 80",
                "metric": "csat",
                "status": "at_risk",
                "baseline": 70.0,
                "target": 80.0,
                "stretch": 85.0,
                "expected": 75.0,
                "value": 72.0,
                "low": 70.0,
                "high": 74.0,
                "n": 300,
                "min_n": 30,
                "progress": {
                    "value": 20.0,
                    "low": 0.0,
                    "high": 40.0,
                    "expected": 50.0,
                    "stretch": 150.0,
                },
                "shared": True,
                "department_names": ["Support", "Billing"],
                "start": "2026-01-01",
                "end": "2026-03-31",
                "owner": "lead",
            }
        ]
        * 2,
    }
    for fig in (
        figures.trend_figure(trend),
        figures.escalation_figure(escalation),
        figures.goals_figure(goals),
        figures.empty_figure("nothing"),
    ):
        _valid(fig)
