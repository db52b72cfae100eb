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
    assert body["difference"] is None and body["significant"] is None
    assert (body["test"], body["p"], body["df"]) == ("two_proportion_z", None, None)
    assert body["reason"] == "no responses in web: nothing to compare"


def test_ces_is_compared_by_welch_t_with_satterthwaite_df(org, reader):
    # given CES answers where the normal p (0.0171) and Welch's t p (0.0544) disagree
    make_responses(scores=[7, 7, 6, 6, 6, 5, 5, 4], metric="ces", handled_by="human")
    make_responses(scores=[1, 1, 1, 1, 6, 7], metric="ces", handled_by="ai")
    # when
    body = reader.get(URL, {"metric": "ces", "by": "handled_by", "a": "human", "b": "ai"}).json()
    # then by hand: means 46/8 = 5.75 and 17/6, s^2 = 7.5/7 and 40.8333/5; SE^2 = 0.133929 +
    # 1.361111 = 1.495040; t = 2.916667 / 1.222718 = 2.3854; df = 1.495040^2 / (0.133929^2/7
    # + 1.361111^2/5) = 5.9909; P(|T_5.9909| > 2.3854) = 0.0544 (scipy's ttest_ind agrees)
    assert body["test"] == "welch_t" and body["reason"] is None
    assert body["difference"] == pytest.approx(5.75 - 17 / 6)
    assert body["statistic"] == pytest.approx(2.3854, abs=1e-4) and body["z"] == body["statistic"]
    assert body["df"] == pytest.approx(5.9909, abs=1e-4)
    assert body["p"] == pytest.approx(0.05443, abs=1e-5)
    assert body["significant"] is False


def test_an_undefined_test_still_reports_the_difference(org, reader):
    # given one CES answer for AI and three for humans
    make_responses(scores=[5], metric="ces", handled_by="ai")
    make_responses(scores=[2, 3, 4], metric="ces", handled_by="human")
    # when
    body = reader.get(URL, {"metric": "ces", "by": "handled_by", "a": "ai", "b": "human"}).json()
    # then the difference is there, the test fields are null, the reason says why
    assert body["difference"] == pytest.approx(2.0)
    assert [body[k] for k in ("statistic", "z", "df", "p", "significant")] == [None] * 5
    assert body["test"] == "welch_t"
    assert body["reason"] == "group a has one answer: Welch's test needs at least 2 in each group"


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
