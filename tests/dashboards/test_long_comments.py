"""A page carries a bounded part of each comment, however long the stored one is."""

from __future__ import annotations

import json
from datetime import timedelta

from cxmetrics.models import Response
from cxmetrics.selectors.dashboards import negative_themes, recent_comments
from cxmetrics.selectors.dashboards.filters import today
from dashboards.pages import voice
from tests.dashboards.conftest import period, respond, table_rows

LONG = 300_000


def store_long_comments(count: int) -> None:
    """`count` negative comments of 300,000 characters (stored before the comment limit)."""
    respond([1] * count, metric="csat", comment="Awful, nobody helped.")
    words = "Awful wait, nobody helped me with the refund. "
    Response.objects.update(comment=(words * (LONG // len(words) + 1))[:LONG])


def test_the_voice_selector_carries_500_characters_of_a_long_comment(org):
    # given a stored comment of 300,000 characters
    store_long_comments(1)

    # when
    (row,) = recent_comments(filters=period(7))["comments"]

    # then it carries its first 499 characters and an ellipsis
    assert len(row["comment"]) == 500
    assert row["comment"] == Response.objects.get().comment[:499] + "…"


def test_the_voice_page_payload_is_bounded(org):
    # given 50 stored comments of 300,000 characters (15 MB)
    store_long_comments(50)
    end = today()
    week = ((end - timedelta(days=6)).isoformat(), end.isoformat())

    # when the page's two views are computed
    table, _caption = voice.update_comments(*week, [], [], [], None, None)
    themes = voice.update_themes(*week, [], [], [], None, None)

    # then every comment is cut to 500 characters, and the payload stays small
    assert [len(row["comment"]) for row in table_rows(table)] == [500] * 50
    assert len(json.dumps(table)) < 50 * 1_000
    assert len(json.dumps(themes.data)) < 50_000


def test_negative_themes_read_and_show_a_bounded_part(org):
    # given
    store_long_comments(3)

    # when
    result = negative_themes(filters=period(7))

    # then the themes are found and each example is at most 500 characters
    assert result["n"] == 3 and result["themes"]
    assert {len(theme["example"]) for theme in result["themes"]} == {500}
