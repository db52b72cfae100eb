"""DRF's plain-text tokens (rest_framework.authtoken) are replaced by django-rest-knox's
hashed, expiring ones: the old table is dropped, so every old token stops working; people get
a new one with `manage.py create_token` (README). Irreversible by design: the old tokens were
stored in clear."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cxmetrics", "0008_workers_parking"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
