from django.core.management.base import BaseCommand

from cxmetrics.services.rollups import refresh_all_dirty_rollups


class Command(BaseCommand):
    help = (
        "Recompute every dirty rollup bucket now, batch by batch (one transaction each). Twin "
        "of the task cxmetrics.tasks.refresh_dirty_rollups: use it when no worker runs."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--batch", type=int, default=2000, help="buckets per transaction")

    def handle(self, *args, batch: int, **options):  # type: ignore[no-untyped-def]
        refreshed = refresh_all_dirty_rollups(limit=batch)
        self.stdout.write(self.style.SUCCESS(f"Refreshed {refreshed} dirty rollup buckets."))
