from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cxmetrics.demo.responses import DEMO_SOURCE_SLUG, seed_demo_responses
from cxmetrics.models import Source


class Command(BaseCommand):
    help = "Generate realistic demo responses for the demo source (deterministic with --seed)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--count", type=int, default=100_000, help="responses (100,000)")
        parser.add_argument("--days", type=int, default=180, help="over the last N days (180)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, count: int, days: int, seed: int, no_progress: bool, **options):  # type: ignore[no-untyped-def]
        if count < 1 or days < 1:
            raise CommandError("--count and --days must be at least 1.")
        if not Source.objects.filter(slug=DEMO_SOURCE_SLUG).exists():
            raise CommandError(
                f"No source '{DEMO_SOURCE_SLUG}': run `manage.py loaddata fixtures/demo_org.json`."
            )
        with tqdm(total=count, unit="resp", disable=no_progress, desc="demo responses") as bar:
            stored = seed_demo_responses(count=count, days=days, seed=seed, progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(f"Stored {stored} demo responses ({count - stored} already there).")
        )
