"""Qualtrics response exports in CSV: three header rows (internal column names, question
text, ImportId JSON carrying the date columns' time zone), then one row per response. See
https://www.qualtrics.com/support/survey-platform/data-and-analysis-module/data/download-data/understanding-your-dataset/

NPS is read from the raw 0-10 answer column (`Q1`), never from `Q1_NPS_GROUP`, which is a
group code. By default every column `X` that has an `X_NPS_GROUP` sibling is an NPS question
and the first `*_TEXT` column is the comment; the source's settings may instead give
`{"columns": {"Q1": "nps", "Q3": "csat", "Q2_TEXT": "comment"}}` and a `channel_map` from
`DistributionChannel` values to channel slugs. Each answered metric column becomes one
response with external id `<ResponseId>:<column>`. Previews, tests, spam and unfinished
responses are skipped and counted.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cxmetrics.ingest.types import IngestParseError, Parsed

METRICS = ("nps", "csat", "ces", "sentiment")
SKIPPED_STATUS = frozenset(
    {"Survey Preview", "Survey Test", "Spam", "Offline Survey Preview", "1", "2", "8", "9", "17"}
)
_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?)")


def _number(text: str) -> Any:
    """`8`, `8.0` or choice text like `10 - Extremely likely` -> float; else the text."""
    match = _LEADING_NUMBER.match(text)
    return float(match.group(1)) if match else text


def _zone(import_ids: list[str], header: list[str], column: str) -> ZoneInfo:
    try:
        meta = json.loads(import_ids[header.index(column)])
        return ZoneInfo(meta.get("timeZone") or "UTC")
    except (ValueError, IndexError, AttributeError, ZoneInfoNotFoundError):
        return ZoneInfo("UTC")


def _columns(header: list[str], settings: dict[str, Any]) -> dict[str, str]:
    configured = settings.get("columns")
    if configured:
        mapping = {col: target for col, target in configured.items() if col in header}
    else:
        mapping = {col: "nps" for col in header if f"{col}_NPS_GROUP" in header}
        comment = next((col for col in header if col.endswith("_TEXT")), None)
        if comment:
            mapping[comment] = "comment"
    # The group code is never a score.
    return {
        col: target
        for col, target in mapping.items()
        if not col.endswith("_NPS_GROUP") and target in (*METRICS, "comment")
    }


def parse(body: bytes, *, settings: dict[str, Any]) -> Parsed:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestParseError("the export is not valid UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        next(reader)  # question text
        import_ids = next(reader)
    except (StopIteration, csv.Error):
        raise IngestParseError(
            "expected a Qualtrics CSV export with three header rows", line=1
        ) from None
    if "ResponseId" not in header or not import_ids or '"ImportId"' not in import_ids[0]:
        raise IngestParseError(
            "expected a Qualtrics CSV export: ResponseId column and an ImportId header row",
            line=3,
        )
    mapping = _columns(header, settings)
    metric_columns = [col for col, target in mapping.items() if target in METRICS]
    if not metric_columns:
        raise IngestParseError(
            "no score column found: expected a Qn with Qn_NPS_GROUP, or the source's "
            'settings {"columns": {"Qn": "nps|csat|ces|sentiment"}}',
            line=1,
        )
    comment_column = next((col for col, t in mapping.items() if t == "comment"), None)
    date_column = "RecordedDate" if "RecordedDate" in header else "EndDate"
    zone = _zone(import_ids, header, date_column)
    channel_map = settings.get("channel_map") or {}
    parsed = Parsed([], lines=[])
    assert parsed.lines is not None
    previous_end = reader.line_num
    try:
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not cells:
                continue
            row = dict(zip(header, cells, strict=False))
            finished = row.get("Finished", "True")
            if row.get("Status") in SKIPPED_STATUS or finished in ("False", "0"):
                parsed.skipped += 1
                continue
            answered = [col for col in metric_columns if row.get(col, "").strip()]
            if not answered:
                parsed.skipped += 1
                continue
            occurred = row.get(date_column, "")
            try:
                moment = datetime.fromisoformat(occurred)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=zone)
                occurred = moment.isoformat()
            except ValueError:
                pass  # left as sent: the validator names the field
            comment = row.get(comment_column, "") if comment_column else ""
            for position, col in enumerate(answered):
                item: dict[str, Any] = {
                    "external_id": f"{row.get('ResponseId', '')}:{col}",
                    "metric": mapping[col],
                    "score": _number(row[col]),
                    "occurred_at": occurred,
                    "comment": comment if position == 0 else "",
                    "attributes": {"question": col},
                }
                if row.get("ExternalReference"):
                    item["customer_id"] = row["ExternalReference"]
                channel = channel_map.get(row.get("DistributionChannel", ""))
                if channel:
                    item["channel"] = channel
                parsed.items.append(item)
                parsed.lines.append(line)
    except csv.Error as error:
        raise IngestParseError(f"invalid CSV: {error}", line=previous_end + 1) from None
    return parsed
