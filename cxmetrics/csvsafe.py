"""The one CSV writer of every export: cells a spreadsheet would run as a formula are defused.

Customers' own words, agent refs and external ids end up in exports that people open in Excel,
LibreOffice or Google Sheets, where a cell starting with `=`, `+`, `-` or `@` is a formula
(OWASP "CSV injection"). The rule, the same as the dashboards' browser-side export
(`dashboards/assets/cx.js`, `csvCell`) and pinned for both by tests/payloads/csv-formula-cases.json:

* a text cell whose first character after any leading spaces and control characters is one of
  `= + - @`, or that starts with a tab or a carriage return, gets a leading apostrophe
  (spreadsheets show the text and run nothing);
* numbers (int, float) and text that is exactly a decimal number (`-4.1`, `+0.735`, `-1e3`) are
  written as they are: a spreadsheet reads them as numbers and nothing runs;
* None is an empty cell.

No Django import: the API's streamed export and its renderer both call `csv_text`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_STARTS = frozenset("=+-@")
# Stripped before looking at the first character: spreadsheets skip them too.
_LEADING = "".join(chr(code) for code in range(0x21))  # C0 controls and the space
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def safe_cell(value: Any) -> Any:
    """`value` as a CSV cell no spreadsheet runs as a formula (see the module's rule)."""
    if value is None:
        return ""
    if isinstance(value, int | float):  # bool is an int: written as True/False, harmless
        return value
    text = str(value)
    if _NUMBER.fullmatch(text):
        return text
    if text[:1] in ("\t", "\r") or text.lstrip(_LEADING)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def csv_text(rows: Iterable[Iterable[Any]], *, flush_at: int = 1 << 16) -> Iterator[str]:
    """CSV text of `rows` (every cell through `safe_cell`), in pieces of about `flush_at`
    characters, for StreamingHttpResponse."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.tell() >= flush_at:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
