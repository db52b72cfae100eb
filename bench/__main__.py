"""Run every benchmark, or the ones named: `python -m bench [api] [pipeline] [dashboards]`."""

import importlib
import os
import sys

AREAS = ["api", "pipeline", "dashboards"]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmetrics.settings")
    chosen = [arg for arg in sys.argv[1:] if not arg.startswith("-")] or AREAS
    for area in chosen:
        module = importlib.import_module(f"bench.{area}")
        print(f"\n=== bench: {area} ===", flush=True)
        module.main([arg for arg in sys.argv[1:] if arg.startswith("-")])


if __name__ == "__main__":
    main()
