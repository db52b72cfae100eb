import sys

from django.core.management.base import BaseCommand, CommandError

from cxmetrics.services.privacy import erase_customer


class Command(BaseCommand):
    help = (
        "Delete every response of one customer (found by the HMAC of the id, as ingest stores "
        "it) and write an audit record; the rollups are corrected by the next refresh. Twin of "
        "POST /api/v1/privacy/erase. Pass - as the id to read it from standard input (so it "
        "stays out of the shell history)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("customer_id", help="the customer id as the sources send it, or -")
        parser.add_argument("--reason", default="", help="why (recorded, masked like free text)")

    def handle(self, *args, customer_id: str, reason: str, **options):  # type: ignore[no-untyped-def]
        if customer_id == "-":
            customer_id = sys.stdin.readline().strip()
        try:
            event = erase_customer(customer_id=customer_id, actor="manage.py", reason=reason)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {event.responses} responses of customer {event.customer_ref[:12]}… "
                f"(audit record {event.pk})."
            )
        )
