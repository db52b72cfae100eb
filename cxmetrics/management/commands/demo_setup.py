from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cxmetrics.demo.followups import apply_demo_followup_history
from cxmetrics.demo.responses import DEMO_SOURCE_SLUG
from cxmetrics.demo.users import ensure_demo_users
from cxmetrics.models import Response, Source
from cxmetrics.services.followups import ensure_defaults, open_followups


class Command(BaseCommand):
    help = (
        "First run only: load the demo organisation, generate demo responses and create the "
        "demo users (passwords written to .run/demo-logins.txt). Later runs print the logins."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--reset-passwords", action="store_true")

    def handle(self, *args, count: int, reset_passwords: bool, **options):  # type: ignore[no-untyped-def]
        logins_file = Path(settings.BASE_DIR) / ".run" / "demo-logins.txt"
        if not Source.objects.filter(slug=DEMO_SOURCE_SLUG).exists():
            self.stdout.write("Loading the demo organisation (fixtures/demo_org.json)…")
            call_command("loaddata", str(Path(settings.BASE_DIR) / "fixtures" / "demo_org.json"))
        # The default follow-up rules and root causes (migration 0013 writes them too; this
        # brings back any deleted), before the demo responses are evaluated against them.
        ensure_defaults()
        if not Response.objects.filter(source__slug=DEMO_SOURCE_SLUG).exists():
            call_command("seed_demo", count=count)
            # Open the demo's follow-ups now (a worker may not have yet), then give them the
            # past they would have had (cxmetrics.demo.followups).
            open_followups()
            worked = apply_demo_followup_history()
            self.stdout.write(f"Demo follow-ups given their history: {worked}.")
        call_command("seed_demo_goals")
        if reset_passwords or not logins_file.exists():
            logins = ensure_demo_users()
            logins_file.parent.mkdir(exist_ok=True)
            logins_file.write_text(
                "".join(f"{x.username:<14} {x.password:<16} ({x.role})\n" for x in logins)
            )
            logins_file.chmod(0o600)
        self.stdout.write("Demo logins (username, password, role):")
        self.stdout.write(logins_file.read_text())
