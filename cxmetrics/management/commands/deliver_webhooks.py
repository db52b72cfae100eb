from django.core.management.base import BaseCommand

from cxmetrics.services.webhooks import deliver_due


class Command(BaseCommand):
    help = (
        "Send the webhook deliveries that are due now (first attempts and retries). Twin of "
        "the task cxmetrics.tasks.deliver_webhooks: use it when no worker runs."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--limit", type=int, default=100, help="attempts at most")

    def handle(self, *args, limit: int, **options):  # type: ignore[no-untyped-def]
        attempted = deliver_due(limit=limit)
        self.stdout.write(self.style.SUCCESS(f"Made {attempted} webhook delivery attempt(s)."))
