from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.management.arguments import iso_date
from cxmetrics.services.goal_alerts import evaluate_alerts


class Command(BaseCommand):
    help = "Alert goals that newly turned at_risk or off_track (e-mail and optional webhook)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--as-of", type=iso_date, help="YYYY-MM-DD (today)")

    def handle(self, *args, as_of: date | None, **options):  # type: ignore[no-untyped-def]
        sent = evaluate_alerts(as_of=as_of or local_day(timezone.now()))
        for alert in sent:
            self.stdout.write(
                f"goal {alert['goal_id']}: {alert['previous'] or '-'} -> {alert['status']} "
                f"({len(alert['recipients'])} recipient(s), webhook={alert['webhook']})"
            )
        self.stdout.write(self.style.SUCCESS(f"Sent {len(sent)} alert(s)."))
