"""Calls carry their due date: calls issued before it existed are due the payment delay after their issue day."""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def set_due_dates(apps, schema_editor):
    ContributionCall = apps.get_model("contributions", "ContributionCall")
    delay = datetime.timedelta(days=getattr(settings, "OPERATOR_PAYMENT_DELAY_DAYS", 30))
    for call in ContributionCall.objects.filter(due_date__isnull=True).only("pk", "issued_at"):
        call.due_date = timezone.localdate(call.issued_at) + delay
        call.save(update_fields=["due_date"])


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contributioncall",
            name="due_date",
            field=models.DateField(null=True, verbose_name="à régler au plus tard le"),
        ),
        migrations.RunPython(set_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contributioncall",
            name="due_date",
            field=models.DateField(verbose_name="à régler au plus tard le"),
        ),
    ]
