"""Voice of the customer: comments most negative first, redacted, and negative themes."""

import pytest

from cxmetrics.selectors.dashboards import negative_themes, recent_comments
from dashboards import components
from tests.dashboards.conftest import period, respond


@pytest.fixture
def comments(org):
    respond(
        [1],
        metric="csat",
        channel="chat",
        handled_by="ai",
        comment="Terrible, the chatbot kept looping. Awful and useless.",
    )
    respond(
        [2],
        metric="csat",
        channel="chat",
        handled_by="ai",
        comment="The chatbot kept looping, I am frustrated.",
    )
    respond(
        [5],
        metric="csat",
        channel="phone",
        handled_by="human",
        comment="Great agent, thank you so much!",
    )
    respond(
        [3],
        metric="nps",
        channel="email",
        handled_by="human",
        comment="Refund was late, disappointed with the slow refund.",
    )
    respond([4], metric="csat", channel="web", comment="")


def test_comments_come_most_negative_first_with_who_handled_them(comments):
    # when the comments are listed
    result = recent_comments(filters=period(7))

    # then every comment is there once, most negative first, with score, channel and handler
    rows = result["comments"]
    assert result["n"] == result["total"] == 4
    assert [row["sentiment"] for row in rows] == sorted(row["sentiment"] for row in rows)
    assert rows[0]["channel"] == "Chat" and rows[0]["handled_by"] == "AI"
    assert rows[-1]["comment"].startswith("Great agent")
    assert {"day", "metric", "score", "department", "agent"} <= set(rows[0])


def test_comments_filter_by_metric_and_sentiment(comments):
    negative = recent_comments(filters=period(7), sentiment="negative")
    assert all(row["sentiment"] <= -0.05 for row in negative["comments"])
    assert negative["n"] == 3
    nps = recent_comments(filters=period(7), metric="nps")
    assert [row["metric"] for row in nps["comments"]] == ["NPS"]


def test_comments_are_redacted_on_the_way_out(org, settings):
    # given a comment stored unredacted (redaction at ingest switched off)
    settings.CX_REDACT_COMMENTS = False
    respond([1], metric="csat", comment="Call me on +44 20 7946 0958 or ann@example.com, awful")

    # when it is listed
    comment = recent_comments(filters=period(7))["comments"][0]["comment"]

    # then personal data is masked
    assert "ann@example.com" not in comment and "7946" not in comment
    assert "[email]" in comment and "[phone]" in comment


def test_comments_are_limited(comments):
    result = recent_comments(filters=period(7), limit=2)
    assert result["n"] == 2 and result["total"] == 4


def test_only_the_most_recent_comments_are_ranked_and_the_caption_says_so(org):
    # given an old awful comment and two newer milder ones
    respond([1], ago=5, metric="csat", comment="Awful, the worst service I have ever had.")
    respond([3], ago=1, metric="csat", comment="Slow, but it worked in the end.")
    respond([4], ago=1, metric="csat", comment="Fine, thanks.")

    # when the ranking covers the two most recent comments only
    result = recent_comments(filters=period(7), recent=2)

    # then the old one is not listed, and the caption says what was ranked
    assert [row["comment"][:4] for row in result["comments"]] == ["Slow", "Fine"]
    assert (result["total"], result["total_capped"]) == (2, True)
    _rows, caption = components.comments_panel(result)
    assert "of the 2 most recent of more than 2 comments" in caption


def test_themes_count_negative_comments_per_phrase(comments):
    # when the themes of negative comments are read
    result = negative_themes(filters=period(7))

    # then the phrase both chatbot complaints share leads, counted once per comment
    assert result["n"] == 3
    top = result["themes"][0]
    assert top["theme"] in {"chatbot kept", "kept looping"}
    assert top["comments"] == 2
    assert top["share"] == pytest.approx(200 / 3)
    assert all(theme["comments"] >= 2 for theme in result["themes"])
    assert not result["sampled"]


def test_themes_read_a_bounded_sample(comments):
    result = negative_themes(filters=period(7), sample=1)
    assert result["n"] == 1 and result["sampled"] is True
