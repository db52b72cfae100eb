from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cxmetrics.management.arguments import iso_date
from cxmetrics.services.privacy import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise the responses older than the retention period (CX_RETENTION_DAYS, or "
        "--days): remove their customer_ref, agent_ref, attributes and scored comment text, "
        "keeping scores and sentiment so figures are unchanged; writes an audit record. Twin of "
        "the nightly task cxmetrics.tasks.apply_retention; safe to run while workers run."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--days", type=int, help="retention in days (default: the setting)")
        parser.add_argument("--today", type=iso_date, help="count days back from this date")

    def handle(self, *args, days: int | None, today: date | None, **options):  # type: ignore[no-untyped-def]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        event = apply_retention(actor="manage.py", days=days, today=today)
        if event is None:
            self.stdout.write("CX_RETENTION_DAYS is not set: every response is kept.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {event.responses} responses of days before {event.before_day} "
                f"({event.reason})."
            )
        )
