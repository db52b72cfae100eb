"""Automation and empathy: AI vs human outcomes per channel, escalation share, risk flags."""

import pytest

from cxmetrics.selectors.dashboards import automation_comparison, escalation_share
from tests.dashboards.conftest import period, respond


@pytest.fixture
def chat_and_email(org):
    # chat: AI clearly worse than humans; email: AI and humans alike
    respond([5] * 20 + [1] * 40, metric="csat", channel="chat", handled_by="ai")
    respond([5] * 50 + [1] * 10, metric="csat", channel="chat", handled_by="human")
    respond([5] * 10 + [1] * 10, metric="csat", channel="chat", handled_by="ai_to_human")
    respond([5] * 40 + [1] * 20, metric="csat", channel="email", handled_by="ai")
    respond([5] * 41 + [1] * 19, metric="csat", channel="email", handled_by="human")


def test_ai_significantly_worse_than_humans_is_flagged(chat_and_email):
    # when the automation comparison is read
    result = automation_comparison(metric="csat", filters=period(7))

    # then chat is flagged and email is not
    entries = {e["key"]: e for e in result["channels"]}
    assert entries["chat"]["over_automation_risk"] is True
    assert entries["chat"]["ai_vs_human"]["difference"] == pytest.approx(100 / 3 - 250 / 3)
    assert entries["chat"]["ai_vs_human"]["p_adjusted"] < 0.05
    assert entries["email"]["over_automation_risk"] is False
    assert result["flagged"] == ["Chat"]
    assert entries["chat"]["groups"]["ai_to_human"]["n"] == 20
    assert entries["email"]["groups"]["ai_to_human"] is None


def test_the_pooled_row_is_shown_but_never_tested(chat_and_email):
    overall = automation_comparison(metric="csat", filters=period(7))["overall"]
    assert overall["groups"]["ai"]["n"] == 120
    assert overall["ai_vs_human"] is None
    assert overall["over_automation_risk"] is False


def test_escalation_share_is_escalated_over_ai_handled(chat_and_email):
    # given chat: 60 AI alone and 20 escalated; email: 60 AI, none escalated
    result = escalation_share(filters=period(7))

    # then chat escalates 25% with a Wilson interval, email 0%
    shares = {c["key"]: c for c in result["channels"]}
    assert shares["chat"]["share"] == pytest.approx(25.0)
    assert shares["chat"]["n"] == 80
    low, high = shares["chat"]["ci95"]
    assert low < 25.0 < high
    assert shares["email"]["share"] == 0.0
    assert result["overall"]["escalated"] == 20
    assert result["overall"]["n"] == 140


def test_no_ai_means_no_escalation_figure(org):
    respond([5, 4], metric="csat", channel="store", handled_by="human")
    result = escalation_share(filters=period(7))
    assert result["channels"] == [] and result["overall"]["share"] is None
