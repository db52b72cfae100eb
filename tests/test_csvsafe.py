"""cxmetrics/csvsafe.py: every export's cells, against the cases the dashboards' export shares."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cxmetrics.csvsafe import csv_text, safe_cell

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests/payloads/csv-formula-cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[repr(c["value"]) for c in CASES])
def test_a_cell_is_written_as_the_shared_table_says(case):
    assert str(safe_cell(case["value"])) == case["cell"]


def test_csv_text_defuses_every_cell_and_round_trips_the_rest():
    # given rows with a formula after spaces, a number and plain text
    rows = [["comment", "score"], ["  =cmd|' /C calc'!A0", 9], ["fine, thanks", -3]]
    # when written
    text = "".join(csv_text(rows, flush_at=1))
    # then a spreadsheet sees text, not a formula, and the other cells are unchanged
    assert list(csv.reader(io.StringIO(text))) == [
        ["comment", "score"],
        ["'  =cmd|' /C calc'!A0", "9"],
        ["fine, thanks", "-3"],
    ]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run assets/cx.js")
def test_the_dashboards_export_applies_the_same_rule():
    # given the dashboards' clientside functions, loaded as the browser loads them
    asset = json.dumps(str(ROOT / "dashboards/assets/cx.js"))
    script = (
        "global.window = {};"
        f"eval(require('fs').readFileSync({asset}, 'utf8'));"
        "const cases = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).cases;"
        "const cell = window.dash_clientside.cx.csvCell;"
        "process.stdout.write(JSON.stringify(cases.map(c => cell(c.value))));"
    )
    # when every shared case goes through its cell rule
    out = subprocess.run(
        ["node", "-e", script, str(ROOT / "tests/payloads/csv-formula-cases.json")],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    # then it writes each cell as the Python writer does
    assert json.loads(out) == [c["cell"] for c in CASES]
