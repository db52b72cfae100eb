"""Sentiment sums in rollups become exact integers (units of 1e-4 and 1e-8), and a partial
index finds the comments still to score.

Existing rollup rows are scaled, then every existing bucket is marked dirty so the next refresh
recomputes it exactly from the raw responses (rollups are derived data).
"""

from django.db import migrations, models
from django.db.models import F

BUCKET = ("day", "metric", "channel_id", "department_id", "handled_by", "source_id")


def scale_and_mark(apps, schema_editor):
    DailyRollup = apps.get_model("cxmetrics", "DailyRollup")
    DirtyBucket = apps.get_model("cxmetrics", "DirtyBucket")
    DailyRollup.objects.update(
        sentiment_total=F("sentiment_total") * 10_000,
        sentiment_total_sq=F("sentiment_total_sq") * 100_000_000,
    )
    marks = [DirtyBucket(**row) for row in DailyRollup.objects.values(*BUCKET).iterator()]
    DirtyBucket.objects.bulk_create(marks, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("cxmetrics", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(scale_and_mark, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dailyrollup",
            name="sentiment_total",
            field=models.BigIntegerField(default=0, help_text="Sum of sentiment x 10^4."),
        ),
        migrations.AlterField(
            model_name="dailyrollup",
            name="sentiment_total_sq",
            field=models.BigIntegerField(
                default=0, help_text="Sum of (sentiment x 10^4)^2, i.e. of squares x 10^8."
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(sentiment__isnull=True) & ~models.Q(comment=""),
                fields=["id"],
                name="response_unscored_idx",
            ),
        ),
    ]
