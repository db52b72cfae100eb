"""GET /api/v1/metrics/summary: figures per group from the rollups, with honest statistics."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import make_responses

URL = "/api/v1/metrics/summary"


@pytest.fixture
def stored(org, django_capture_on_commit_callbacks):
    """NPS on chat (ai) and web (human), CSAT on chat, over two days."""
    with django_capture_on_commit_callbacks(execute=True):
        make_responses(scores=[10, 9, 9, 7, 3], metric="nps", channel="chat", handled_by="ai")
        make_responses(scores=[10, 2], metric="nps", channel="web", handled_by="human")
        make_responses(scores=[5, 4, 2], metric="csat", channel="chat")


def test_overall_group_is_all(stored, reader):
    # when
    body = reader.get(URL, {"metric": "nps"}).json()
    # then
    assert (body["metric"], body["start"], body["end"]) == ("nps", None, None)
    (group,) = body["groups"]
    assert (group["key"], group["label"], group["n"]) == ("all", "All", 7)
    assert (group["promoters"], group["passives"], group["detractors"]) == (4, 1, 2)
    assert group["score"] == pytest.approx(100 * (4 - 2) / 7)
    assert group["moe95"] > 0 and group["low_sample"] is True


def test_group_by_channel_uses_slugs_and_names(stored, reader):
    # when
    groups = reader.get(URL, {"metric": "nps", "group_by": "channel"}).json()["groups"]
    # then
    assert [(g["key"], g["label"], g["n"]) for g in groups] == [
        ("chat", "Chat", 5),
        ("web", "Web", 2),
    ]


def test_csat_has_a_percent_score_and_an_interval(stored, reader):
    # when
    (group,) = reader.get(URL, {"metric": "csat"}).json()["groups"]
    # then
    assert group["score"] == pytest.approx(200 / 3)
    low, high = group["ci95"]
    assert 0 <= low < group["score"] < high <= 100


def test_filters_are_comma_lists(stored, reader):
    # when
    groups = reader.get(
        URL, {"metric": "nps", "group_by": "handled_by", "handled_by": "ai,human", "channel": "web"}
    ).json()["groups"]
    # then
    assert [(g["key"], g["label"], g["n"]) for g in groups] == [("human", "Human", 2)]


def test_group_by_day_keys_are_iso_dates_and_dates_filter_inclusively(stored, reader):
    # given the day the factory stored everything on
    (group,) = reader.get(URL, {"metric": "nps", "group_by": "day"}).json()["groups"]
    day = group["key"]
    # when
    same = reader.get(URL, {"metric": "nps", "start": day, "end": day}).json()
    before = reader.get(URL, {"metric": "nps", "end": "2000-01-01"}).json()
    # then
    assert same["groups"][0]["n"] == 7 and same["start"] == day
    assert before["groups"] == []


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({}, "metric", "required"),
        ({"metric": "stars"}, "metric", "not a valid choice"),
        ({"metric": "nps", "group_by": "colour"}, "group_by", "not a valid choice"),
        ({"metric": "nps", "channel": "chat,webb"}, "channel", "allowed: app, chat"),
        ({"metric": "nps", "handled_by": "bot"}, "handled_by", "ai, ai_to_human, human, unknown"),
        ({"metric": "nps", "start": "yesterday"}, "start", "Date has wrong format"),
        ({"metric": "nps", "start": "2025-02-01", "end": "2025-01-01"}, "end", "on or after"),
    ],
)
def test_bad_parameters_are_400_by_field(org, reader, params, field, words):
    # when
    answer = reader.get(URL, params)
    # then
    assert answer.status_code == 400
    assert words in " ".join(answer.json()[field])


def test_team_leads_read_and_api_keys_and_integrators_do_not(org, lead, integrator, api):
    # given
    as_lead, as_integrator = APIClient(), APIClient()
    as_lead.force_authenticate(lead)
    as_integrator.force_authenticate(integrator)
    # when / then
    assert as_lead.get(URL, {"metric": "nps"}).status_code == 200
    assert as_integrator.get(URL, {"metric": "nps"}).status_code == 403
    assert api.get(URL, {"metric": "nps"}).status_code == 403
    assert APIClient().get(URL, {"metric": "nps"}).status_code == 401


def test_token_authentication_reads(org, executive):
    # given a token as made by `manage.py create_token`
    from cxmetrics.services import issue_token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=executive)[1]}")
    # when / then
    assert client.get(URL, {"metric": "nps"}).status_code == 200
