"""GET /api/v1/responses: every stored field per row, paginated, or streamed as CSV."""

from __future__ import annotations

import csv
import io

from tests.factories import make_responses

URL = "/api/v1/responses"


def test_rows_carry_every_stored_field_newest_first(org, reader):
    # given
    make_responses(scores=[9, 3], metric="nps", channel="chat", comment="ok", handled_by="ai")
    # when
    body = reader.get(URL).json()
    # then
    assert body["next"] is None
    first, second = body["results"]
    assert first["id"] > second["id"]
    assert set(first) == {
        "id",
        "source",
        "external_id",
        "metric",
        "score",
        "channel",
        "department",
        "occurred_at",
        "day",
        "received_at",
        "handled_by",
        "agent_ref",
        "customer_ref",
        "comment",
        "sentiment",
        "attributes",
    }
    assert (first["source"], first["channel"], first["department"]) == (
        "integrations",
        "chat",
        "support",
    )
    assert (first["metric"], first["handled_by"], first["comment"]) == ("nps", "ai", "ok")


def test_next_links_walk_every_row_once(org, reader):
    # given 7 rows and pages of 3
    make_responses(scores=range(7), metric="nps")
    seen, url = [], f"{URL}?page_size=3"
    # when
    while url:
        page = reader.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    # then
    assert len(seen) == len(set(seen)) == 7


def test_filters_apply_to_rows(org, reader):
    # given
    make_responses(scores=[9], metric="nps", channel="chat")
    make_responses(scores=[4], metric="csat", channel="web")
    make_responses(source="demo", scores=[5], metric="csat", channel="web")
    # when
    rows = reader.get(URL, {"metric": "csat", "source": "integrations"}).json()["results"]
    # then
    assert [(r["metric"], r["source"]) for r in rows] == [("csat", "integrations")]


def test_bad_page_size_cursor_and_filters_are_400(org, reader):
    # when / then
    assert "page_size" in reader.get(URL, {"page_size": 1001}).json()
    assert "cursor" in reader.get(URL, {"cursor": "garbage!"}).json()
    assert "metric" in reader.get(URL, {"metric": "stars"}).json()


def test_csv_export_streams_every_matching_row(org, reader):
    # given
    make_responses(scores=[9, 10, 3], metric="nps", comment='says "hi", bye', attributes={"a": 1})
    # when
    answer = reader.get(URL, {"format": "csv", "metric": "nps"})
    # then
    assert answer.status_code == 200 and answer.streaming
    assert answer["Content-Type"].startswith("text/csv")
    assert "attachment" in answer["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert [row["score"] for row in rows] == ["9.0", "10.0", "3.0"]
    assert rows[0]["comment"] == 'says "hi", bye' and rows[0]["attributes"] == '{"a":1}'


def test_csv_errors_are_still_json(org, reader, api):
    # when
    bad = reader.get(URL, {"format": "csv", "metric": "stars"})
    denied = api.get(URL, {"format": "csv"})
    # then
    assert bad.status_code == 400 and bad["Content-Type"] == "application/json"
    assert denied.status_code == 403


def test_csv_export_defuses_formulas_in_every_text_cell(org, reader):
    # given comments and refs a spreadsheet would run as formulas, some after whitespace
    make_responses(scores=[9], metric="nps", comment='=HYPERLINK("http://evil","x")')
    make_responses(scores=[8], metric="nps", comment="  @SUM(A1)", agent_ref="+cmd")
    make_responses(scores=[7], metric="nps", comment="-2+3", agent_ref="\tbot")
    # when exported
    answer = reader.get(URL, {"format": "csv", "metric": "nps"})
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    # then each such cell starts with an apostrophe; numbers stay numbers
    assert [(r["comment"], r["agent_ref"]) for r in rows] == [
        ('\'=HYPERLINK("http://evil","x")', ""),
        ("'  @SUM(A1)", "'+cmd"),
        ("'-2+3", "'\tbot"),
    ]
    assert [r["score"] for r in rows] == ["9.0", "8.0", "7.0"]
