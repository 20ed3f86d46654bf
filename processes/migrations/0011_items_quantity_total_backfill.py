"""Cards made before the quantity total existed get it from their line items."""

from django.db import migrations
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    RequestCard = apps.get_model("processes", "RequestCard")
    LineItem = apps.get_model("processes", "LineItem")
    total = (
        LineItem.objects.filter(card=OuterRef("pk"))
        .values("card")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    RequestCard.objects.filter(items_count__gt=0).update(
        items_quantity_total=Coalesce(
            Subquery(total, output_field=DecimalField(max_digits=15, decimal_places=3)),
            Value(0, output_field=DecimalField(max_digits=15, decimal_places=3)),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("processes", "0010_exception_rules_approvals")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
