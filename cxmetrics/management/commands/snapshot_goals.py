from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.management.arguments import iso_date
from cxmetrics.services.goals import snapshot_goals


class Command(BaseCommand):
    help = (
        "Snapshot every active goal's progress (default: yesterday, as the nightly task does). "
        "With --since, backfill every day from --since to --as-of."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--as-of", type=iso_date, help="YYYY-MM-DD (yesterday)")
        parser.add_argument("--since", type=iso_date, help="backfill from YYYY-MM-DD")

    def handle(self, *args, as_of: date | None, since: date | None, **options):  # type: ignore[no-untyped-def]
        as_of = as_of or local_day(timezone.now()) - timedelta(days=1)
        if since and since > as_of:
            raise CommandError("--since must be on or before --as-of.")
        written = snapshot_goals(as_of=since or as_of, until=as_of)
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} goal snapshot(s)."))
