"""GET /api/v1/metrics/compare: two groups, the difference, z, p and significance."""

from __future__ import annotations

import pytest

from tests.factories import make_responses

URL = "/api/v1/metrics/compare"


@pytest.fixture
def csat_ai_vs_human(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_responses(scores=[5] * 30 + [1] * 30, metric="csat", channel="chat", handled_by="ai")
        make_responses(scores=[5] * 55 + [1] * 5, metric="csat", channel="chat", handled_by="human")


def test_ai_versus_human_csat(csat_ai_vs_human, reader):
    # when
    body = reader.get(URL, {"metric": "csat", "by": "handled_by", "a": "ai", "b": "human"}).json()
    # then
    assert (body["a"]["key"], body["a"]["n"], body["b"]["n"]) == ("ai", 60, 60)
    assert body["a"]["score"] == pytest.approx(50.0)
    assert body["difference"] == pytest.approx(50.0 - 55 / 60 * 100)
    assert body["z"] < 0 and body["p"] < 0.05 and body["significant"] is True


def test_other_dimensions_and_empty_groups(csat_ai_vs_human, reader):
    # when
    body = reader.get(URL, {"metric": "csat", "by": "channel", "a": "chat", "b": "web"}).json()
    # then
    assert body["a"]["n"] == 120
    assert body["b"] == {"key": "web", "label": "Web", "n": 0, "low_sample": True}
    assert body["difference"] is None and body["significant"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"metric": "csat", "by": "handled_by", "a": "ai"}, "b"),
        ({"metric": "csat", "by": "colour", "a": "x", "b": "y"}, "by"),
        ({"metric": "csat", "by": "channel", "a": "chat", "b": "fax"}, "b"),
        ({"metric": "csat", "by": "channel", "a": "chat", "b": "chat"}, "b"),
    ],
)
def test_bad_parameters_are_400_by_field(org, reader, params, field):
    # when
    answer = reader.get(URL, params)
    # then
    assert answer.status_code == 400 and field in answer.json()
