from django.core.management.base import BaseCommand

from cxmetrics.services.days import recompute_days


class Command(BaseCommand):
    help = (
        "After CX_TIME_ZONE changed: recompute every response's day in the new zone, rebuild "
        "every rollup and record the zone, so web and workers start again. Idempotent; run "
        "with web and workers stopped."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        moved, written = recompute_days()
        self.stdout.write(
            self.style.SUCCESS(
                f"{moved} responses moved to another day; rebuilt {written} rollup buckets."
            )
        )
