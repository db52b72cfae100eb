"""Readers of the canonical formats, pure: JSON, NDJSON and streamed CSV."""

from __future__ import annotations

import pytest

from cxmetrics.ingest.canonical import iter_csv, parse_json, parse_ndjson
from cxmetrics.ingest.types import IngestParseError, IngestTooLarge


def test_json_object_is_one_item_and_array_is_many():
    # given / when / then
    assert parse_json(b'{"a": 1}', max_items=10) == [{"a": 1}]
    assert parse_json(b'[{"a": 1}, 2]', max_items=10) == [{"a": 1}, 2]


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [(b'[{"a": 1},\n {"b": }]', 2, 8), (b"", 1, 1), (b"[", 1, 2)],
)
def test_json_syntax_errors_give_line_and_column(body, line, column):
    # given / when
    with pytest.raises(IngestParseError) as caught:
        parse_json(body, max_items=10)
    # then
    assert (caught.value.line, caught.value.column) == (line, column)


@pytest.mark.parametrize(("body", "words"), [(b"[]", "empty"), (b'"x"', "object or an array")])
def test_json_that_is_not_a_batch_is_unreadable(body, words):
    with pytest.raises(IngestParseError, match=words):
        parse_json(body, max_items=10)


def test_json_over_the_item_limit_is_too_large():
    with pytest.raises(IngestTooLarge, match="limit is 2"):
        parse_json(b"[{}, {}, {}]", max_items=2)


def test_ndjson_keeps_line_numbers_and_skips_blank_lines():
    # given
    body = b'{"a": 1}\n\n{"a": 2}\r\n'
    # when
    items, lines = parse_ndjson(body, max_items=10)
    # then
    assert items == [{"a": 1}, {"a": 2}]
    assert lines == [1, 3]


def test_ndjson_bad_line_is_reported_by_number():
    with pytest.raises(IngestParseError, match="line 2") as caught:
        parse_ndjson(b'{"a": 1}\n{"a": \n', max_items=10)
    assert caught.value.line == 2


def test_ndjson_over_the_item_limit_is_too_large():
    with pytest.raises(IngestTooLarge):
        parse_ndjson(b"{}\n{}\n{}\n", max_items=2)


def chunks_of(data: bytes, size: int):
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_csv_is_read_in_chunks_with_converted_cells_and_record_start_lines():
    # given a CSV split mid-character and mid-line, with a quoted multi-line comment,
    # a BOM, empty cells and a JSON attributes cell
    text = (
        "\ufeffexternal_id,metric,score,comment,attributes,channel\r\n"
        'a,nps,9,"two\nlines, é",{"k": 1},\r\n'
        "b,csat,x,,,web\r\n"
        "\r\n"
        "c,ces,5,,not json,web\r\n"
    )
    # when
    chunks = list(iter_csv(chunks_of(text.encode(), 7), rows_per_chunk=2))
    # then
    assert [len(chunk.items) for chunk in chunks] == [2, 1]
    first, second = chunks[0].items
    assert first == {
        "external_id": "a",
        "metric": "nps",
        "score": 9.0,
        "comment": "two\nlines, é",
        "attributes": {"k": 1},
    }
    assert second["score"] == "x"  # left for the validator to reject by field
    assert chunks[1].items[0]["attributes"] == "not json"
    assert chunks[0].lines + chunks[1].lines == [2, 4, 6]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (b"", 1, "empty"),
        (b"external_id,metric,colour\n", 1, "unknown column(s) 'colour'"),
        (b"metric,score\n", 1, "external_id column is missing"),
        (b"external_id,external_id\n", 1, "duplicate"),
        (b"external_id,metric\na,nps\nb,nps,9\n", 3, "3 cells"),
        (b'external_id,metric\na,nps\n"b,nps\n', 3, "invalid CSV"),
        (b"external_id,metric\na,nps\nb,\xff\xfe\n", 3, "UTF-8"),
    ],
)
def test_csv_structure_errors_give_the_line(text, line, words):
    # given / when
    with pytest.raises(IngestParseError) as caught:
        list(iter_csv([text], rows_per_chunk=10))
    # then
    assert caught.value.line == line
    assert words in caught.value.message


def test_csv_rows_before_a_break_are_yielded_first():
    # given a file that breaks on line 4
    text = b'external_id,metric\na,nps\nb,nps\n"c,nps\n'
    chunks = iter_csv([text], rows_per_chunk=10)
    # when
    first = next(chunks)
    # then
    assert [item["external_id"] for item in first.items] == ["a", "b"]
    with pytest.raises(IngestParseError):
        next(chunks)
