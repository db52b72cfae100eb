"""Readers of the canonical ingest formats: JSON (object or array), NDJSON and CSV.

Pure. They only turn bytes into plain dicts with the canonical field names; `validate.py`
checks the values. JSON and NDJSON bodies are read whole (they are bounded by the item and
byte limits); CSV is read as a stream of byte chunks and yielded in chunks of rows, so a body
of any length is processed in constant memory.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from cxmetrics.ingest.types import IngestParseError, IngestTooLarge
from cxmetrics.ingest.validate import FIELDS

_FIELD_SET = frozenset(FIELDS)

# csv's own cell limit (131,072 characters) made one long comment an unreadable body from its
# line on; such a cell is now read and refused by field (the comment limit), and the rows after
# it are stored. The bound (a whole JSON body, CX_INGEST_MAX_BYTES' default) still stops a
# runaway cell, e.g. an unclosed quote, from filling memory. Process-wide: the Qualtrics
# reader has the same limit.
CSV_MAX_CELL_CHARS = 20 * 1024 * 1024
csv.field_size_limit(CSV_MAX_CELL_CHARS)


def parse_json(body: bytes, *, max_items: int) -> list[Any]:
    """A JSON object (one item) or array of items. Raises IngestParseError (with the line and
    column of a syntax error) or IngestTooLarge (more than `max_items`)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise IngestParseError(
            f"invalid JSON: {error.msg}", line=error.lineno, column=error.colno
        ) from None
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list):
        raise IngestParseError("the body must be a JSON object or an array of objects")
    if not data:
        raise IngestParseError("the batch is empty: send at least one item")
    if len(data) > max_items:
        raise IngestTooLarge(f"{len(data)} items in one batch; the limit is {max_items}")
    return data


def parse_ndjson(body: bytes, *, max_items: int) -> tuple[list[Any], list[int]]:
    """One JSON value per line; blank lines are ignored. Returns (items, 1-based lines).

    A line that is not JSON makes the whole body unreadable: IngestParseError with its line.
    """
    items: list[Any] = []
    lines: list[int] = []
    loads = orjson.loads
    for number, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(loads(line))
        except orjson.JSONDecodeError as error:
            raise IngestParseError(
                f"invalid JSON on line {number}: {error.msg}", line=number, column=error.colno
            ) from None
        lines.append(number)
        if len(items) > max_items:
            raise IngestTooLarge(f"more than {max_items} items in one batch")
    if not items:
        raise IngestParseError("the batch is empty: send at least one item")
    return items, lines


@dataclass(slots=True)
class CsvChunk:
    items: list[dict[str, Any]]
    lines: list[int]


def _text_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Decode UTF-8 (a BOM is dropped) and split on newlines only, keeping them, as the csv
    module expects of a file opened with newline=''."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    line_number = 1
    for chunk in chunks:
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as error:
            # The lines before the bad byte are whole and valid: hand them over first, so
            # the rows before the break are stored (docs/api.md, "CSV partial success").
            # error.object is what the decoder held plus this chunk (without a BOM).
            valid = bytes(error.object[: max(error.start, 0)]).decode("utf-8")
            parts = (pending + valid).split("\n")
            parts.pop()  # the line holding the bad byte
            for part in parts:
                line_number += 1
                yield part + "\n"
            raise IngestParseError(
                f"the CSV is not valid UTF-8 (near line {line_number})", line=line_number
            ) from None
        if not text:
            continue
        parts = (pending + text).split("\n")
        pending = parts.pop()
        for part in parts:
            line_number += 1
            yield part + "\n"
    try:
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise IngestParseError(
            f"the CSV is not valid UTF-8 (near line {line_number})", line=line_number
        ) from None
    if pending:
        yield pending


def _convert(row: dict[str, Any]) -> dict[str, Any]:
    """CSV cells are text: empty cells are absent, `score` is a number, `attributes` JSON.
    Values that do not convert are left as text for the validator to reject by field."""
    item = {key: value for key, value in row.items() if value != ""}
    score = item.get("score")
    if score is not None:
        with contextlib.suppress(ValueError):
            item["score"] = float(score)
    attributes = item.get("attributes")
    if attributes is not None:
        with contextlib.suppress(orjson.JSONDecodeError):
            item["attributes"] = orjson.loads(attributes)
    return item


def iter_csv(chunks: Iterable[bytes], *, rows_per_chunk: int) -> Iterator[CsvChunk]:
    """Read a canonical CSV (header row of field names) from byte chunks, `rows_per_chunk`
    rows at a time. Each item's line is the 1-based line its record starts on.

    Raises IngestParseError for a missing or unknown header, a row with more cells than the
    header, broken quoting or bad UTF-8, with the line number. Rows read before the error
    have already been yielded.
    """
    reader = csv.reader(_text_lines(chunks), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise IngestParseError("the CSV is empty: expected a header row", line=1) from None
    except csv.Error as error:
        raise IngestParseError(f"invalid CSV header: {error}", line=1) from None
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in _FIELD_SET]
    if unknown or len(set(header)) != len(header) or "external_id" not in header:
        problem = (
            f"unknown column(s) {', '.join(map(repr, unknown))}"
            if unknown
            else "duplicate columns"
            if len(set(header)) != len(header)
            else "the external_id column is missing"
        )
        raise IngestParseError(
            f"invalid CSV header: {problem}; columns: {', '.join(FIELDS)}", line=1
        )
    width = len(header)
    items: list[dict[str, Any]] = []
    lines: list[int] = []
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except (csv.Error, IngestParseError) as error:
            if items:  # hand over the rows read before the break first
                yield CsvChunk(items, lines)
            if isinstance(error, IngestParseError):
                raise
            raise IngestParseError(f"invalid CSV: {error}", line=previous_end + 1) from None
        start = previous_end + 1
        previous_end = reader.line_num
        if not row:
            continue  # blank line
        if len(row) > width:
            if items:
                yield CsvChunk(items, lines)
            raise IngestParseError(
                f"line {start} has {len(row)} cells; the header has {width}", line=start
            )
        items.append(_convert(dict(zip(header, row, strict=False))))
        lines.append(start)
        if len(items) >= rows_per_chunk:
            yield CsvChunk(items, lines)
            items, lines = [], []
    if items:
        yield CsvChunk(items, lines)


def load_json_object(body: bytes) -> dict[str, Any]:
    """A JSON object body (vendor webhooks). Raises IngestParseError with line and column."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise IngestParseError(
            f"invalid JSON: {error.msg}", line=error.lineno, column=error.colno
        ) from None
    if not isinstance(data, dict):
        raise IngestParseError("the body must be a JSON object")
    return data
