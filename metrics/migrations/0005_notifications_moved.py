"""Notifications moved to their own app (issue 10): the rows are copied, with their ids (links
to /notifications/<id>/read/ and the API's ids keep working), then the old table goes."""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 2000
LEVEL_LABELS = {"at_risk": "At risk", "breached": "Breached"}


def _card_url(card_id: int) -> str:
    # The card page's path when this migration was written (processes/urls.py "card-detail").
    return f"/cards/{card_id}/"


def _reset_sequence(schema_editor, model) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def forward(apps, schema_editor):
    Old = apps.get_model("metrics", "Notification")
    New = apps.get_model("notifications", "Notification")
    batch = []
    for old in Old.objects.select_related("alert", "card").order_by("pk").iterator(BATCH):
        alert = old.alert
        data = {"card": old.card_id, "card_title": old.card.title}
        if alert is not None:
            data.update(
                level=alert.level,
                level_label=LEVEL_LABELS.get(alert.level, alert.level),
                status=alert.status,
                due_at=alert.due_at.isoformat(),
                raised_at=alert.raised_at.isoformat(),
            )
        batch.append(
            New(
                id=old.pk,
                user_id=old.user_id,
                # Before alerts, only approvals made notifications.
                kind="alert" if alert is not None else "approval",
                text=old.text,
                url=_card_url(old.card_id),
                subject=f"card:{old.card_id}",
                key=f"alert:{alert.pk}" if alert is not None else "",
                data=data,
                created_at=old.created_at,
                read_at=old.read_at,
                emailed_at=old.emailed_at,
            )
        )
        if len(batch) >= BATCH:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    _reset_sequence(schema_editor, New)


def backward(apps, schema_editor):
    """The rows about cards move back (the old table has room for nothing else)."""
    Old = apps.get_model("metrics", "Notification")
    New = apps.get_model("notifications", "Notification")
    moving = New.objects.filter(subject__startswith="card:")
    batch = []
    for new in moving.order_by("pk").iterator(BATCH):
        alert_id = int(new.key.split(":")[1]) if new.key.startswith("alert:") else None
        batch.append(
            Old(
                id=new.pk,
                user_id=new.user_id,
                alert_id=alert_id,
                card_id=int(new.subject.split(":")[1]),
                text=new.text,
                created_at=new.created_at,
                read_at=new.read_at,
                emailed_at=new.emailed_at,
            )
        )
        if len(batch) >= BATCH:
            Old.objects.bulk_create(batch)
            batch = []
    Old.objects.bulk_create(batch)
    moving.delete()
    _reset_sequence(schema_editor, Old)


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0004_weekly_snapshots"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Notification"),
    ]
