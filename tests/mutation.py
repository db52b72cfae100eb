"""`make mutation` / `make mutation-goals`: run mutmut 3 over one named set of modules and print
the mutation score per module.

mutmut reads one ``[tool.mutmut]`` table; we need two runs with different modules and test
selections (the pure math against its millisecond tests, the goals selectors against database
tests), so the tables live under ``[tool.cxmetrics-mutation.<name>]`` in pyproject.toml and this
script hands the chosen one to mutmut's config loader. Each run starts from a fresh mutants/
directory, since a run's cached verdicts belong to its own test selection.

Usage: ``python -m tests.mutation pure|goals [--min-score 90]`` (exit 1 below the minimum);
``python -m tests.mutation pure --show NAME...`` prints surviving mutants after a run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

KILLED = {1, 3, 37}  # a failing test, an internal pytest error, caught by the type check
TIMEOUT = {24, -24, 36, 152, 255}  # an endless loop counts as caught, as mutmut counts it
NO_TESTS = {5, 33}  # no selected test reaches the mutated function: counted as surviving


def _use_config(table: dict[str, Any]) -> None:
    from mutmut import configuration

    def reader():
        return lambda key, default: table.get(key, default)

    configuration._config_reader = reader
    configuration.reset_config()


def _scores() -> tuple[dict[str, Counter], list[str]]:
    """Verdict counts per mutated module from mutmut's per-file ``.meta`` files, and the
    names of the surviving mutants."""
    per_module: dict[str, Counter] = {}
    survivors: list[str] = []
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        module = str(meta.relative_to("mutants"))[: -len(".meta")]
        counts: Counter = Counter()
        for name, code in codes.items():
            if code in KILLED:
                counts["killed"] += 1
            elif code in TIMEOUT:
                counts["timeout"] += 1
            elif code == 0:
                counts["survived"] += 1
                survivors.append(name)
            elif code is None:
                counts["not checked"] += 1  # the run was stopped before this mutant
            elif code in NO_TESTS:
                counts["no tests"] += 1
            else:
                counts["other"] += 1
        per_module[module] = counts
    return per_module, survivors


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("run", choices=["pure", "goals"])
    parser.add_argument("--min-score", type=float, default=0.0)
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--show", nargs="+", metavar="MUTANT", help="print these mutants' diffs")
    parser.add_argument("--report", action="store_true", help="only report the last run")
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="GLOB", help="mutant names to run (fnmatch)"
    )
    args = parser.parse_args(argv)

    with open("pyproject.toml", "rb") as f:
        table = tomllib.load(f)["tool"]["cxmetrics-mutation"][args.run]
    _use_config(table)

    from mutmut.__main__ import cli

    if args.show:
        for name in args.show:
            cli(["show", name], standalone_mode=False)
        return 0
    if not args.report:
        shutil.rmtree("mutants", ignore_errors=True)
        try:
            cli(
                ["run", "--max-children", str(args.max_children), *args.only],
                standalone_mode=False,
            )
        except SystemExit as exit_:
            if exit_.code:
                return int(exit_.code)

    print("\nmutation score (killed + timeout) / all, per module:")
    lowest = 100.0
    per_module, survivors = _scores()
    for module, counts in per_module.items():
        total = sum(counts.values()) - counts["not checked"]
        if not total:
            continue
        score = 100.0 * (counts["killed"] + counts["timeout"]) / total
        lowest = min(lowest, score)
        print(
            f"  {module}: {score:.1f}% of {total} "
            f"(killed {counts['killed']}, timeout {counts['timeout']}, "
            f"survived {counts['survived']}, no tests {counts['no tests']}, "
            f"other {counts['other']}, not checked {counts['not checked']})"
        )
    packages: dict[str, Counter] = {}
    for module, counts in per_module.items():
        if module.endswith("/__init__.py") or "/" not in module:
            continue
        packages.setdefault(module.rsplit("/", 1)[0] + "/", Counter()).update(counts)
    for package, counts in packages.items():
        if sum(1 for m in per_module if m.rsplit("/", 1)[0] + "/" == package) > 1:
            total = sum(counts.values()) - counts["not checked"]
            score = 100.0 * (counts["killed"] + counts["timeout"]) / total
            print(f"  {package} (package): {score:.1f}% of {total}")
    print(f"survivors ({len(survivors)}; see one with `python -m tests.mutation RUN --show NAME`):")
    for name in survivors:
        print(f"  {name}")
    if lowest < args.min_score:
        print(f"FAILED: a module scored below {args.min_score:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
