"""The default follow-up rules and root causes (cxmetrics.services.followups.defaults)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from cxmetrics.services.followups.defaults import write_defaults

    write_defaults(apps.get_model("cxmetrics", "FollowUpRule"), apps.get_model("cxmetrics", "RootCause"))


class Migration(migrations.Migration):
    dependencies = [("cxmetrics", "0012_followups")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
