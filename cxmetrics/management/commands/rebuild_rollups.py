from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cxmetrics.management.arguments import iso_date
from cxmetrics.services.rollups import rebuild_rollups


class Command(BaseCommand):
    help = (
        "Rebuild the daily rollups of days in [--since, --until] (organisation time zone; open "
        "ends: every day) from the raw responses, in one transaction. Twin of the task "
        "cxmetrics.tasks.rebuild_rollups; safe to run while workers run."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--since", type=iso_date, help="first day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--until", type=iso_date, help="last day, YYYY-MM-DD (inclusive)")

    def handle(self, *args, since: date | None, until: date | None, **options):  # type: ignore[no-untyped-def]
        if since and until and since > until:
            raise CommandError("--since must not be after --until.")
        written = rebuild_rollups(since=since, until=until)
        span = f"{since or 'the first day'} to {until or 'the last day'}"
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {written} rollup buckets ({span})."))
