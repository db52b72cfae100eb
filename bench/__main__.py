"""Run every benchmark, or those named: `python -m bench [api] [pipeline] [dashboards] [opts]`."""

import importlib
import os
import sys

AREAS = ["api", "pipeline", "dashboards"]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmetrics.settings")
    args = sys.argv[1:]
    chosen = [arg for arg in args if arg in AREAS] or AREAS
    # Everything that is not an area name goes to each bench (`--scale small`, `--scale=small`).
    options = [arg for arg in args if arg not in AREAS]
    for area in chosen:
        module = importlib.import_module(f"bench.{area}")
        print(f"\n=== bench: {area} ===", flush=True)
        module.main(options)


if __name__ == "__main__":
    main()
