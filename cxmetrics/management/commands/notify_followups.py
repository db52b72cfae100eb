"""Mail each team lead the new and newly overdue follow-ups of their departments (one e-mail
per person; nobody twice about the same follow-up). Twin of the task
cxmetrics.tasks.notify_followup_leads."""

from django.core.management.base import BaseCommand

from cxmetrics.services.followups import notify_leads


class Command(BaseCommand):
    help = (
        "E-mail each team lead one digest of the new and newly overdue follow-ups of the "
        "departments they lead that were not mailed to them yet. Twin of the task "
        "cxmetrics.tasks.notify_followup_leads (beat, every CX_FOLLOWUP_NOTIFY_MINUTES)."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        done = notify_leads()
        self.stdout.write(
            self.style.SUCCESS(
                f"{done.mails} e-mail(s) listing {done.items} follow-up(s) "
                f"({done.new} new and {done.overdue} overdue in the look-back); "
                f"{done.no_email} lead(s) without an e-mail address; {done.failed} failed."
            )
        )
