"""Run every benchmark, or those named:
`python -m bench [api] [pipeline] [dashboards] [followups] [opts]`.

`python -m bench faults` runs the fault script and `python -m bench snapshot` writes the API's
answers on fixed demo data (neither is a benchmark: each runs only when named)."""

import importlib
import os
import sys

AREAS = ["api", "pipeline", "dashboards", "followups"]
NAMED_ONLY = ["faults", "snapshot"]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmetrics.settings")
    args = sys.argv[1:]
    chosen = [arg for arg in args if arg in AREAS + NAMED_ONLY] or AREAS
    # Everything that is not an area name goes to each bench (`--scale small`, `--scale=small`).
    options = [arg for arg in args if arg not in AREAS + NAMED_ONLY]
    for area in chosen:
        module = importlib.import_module(f"bench.{area}")
        print(f"\n=== bench: {area} ===", flush=True)
        module.main(options)


if __name__ == "__main__":
    main()
