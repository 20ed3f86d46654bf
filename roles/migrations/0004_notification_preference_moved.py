"""Notification preferences moved to the notifications app (issue 10): rows copied, then the
old table goes."""

from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("roles", "NotificationPreference")
    New = apps.get_model("notifications", "NotificationPreference")
    New.objects.bulk_create(
        New(user_id=user_id, email_enabled=enabled, updated_at=updated_at)
        for user_id, enabled, updated_at in Old.objects.values_list(
            "user_id", "email_enabled", "updated_at"
        ).iterator()
    )


def backward(apps, schema_editor):
    Old = apps.get_model("roles", "NotificationPreference")
    New = apps.get_model("notifications", "NotificationPreference")
    Old.objects.bulk_create(
        Old(user_id=user_id, email_enabled=enabled, updated_at=updated_at)
        for user_id, enabled, updated_at in New.objects.values_list(
            "user_id", "email_enabled", "updated_at"
        ).iterator()
    )
    New.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0003_processrole_authority"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="NotificationPreference"),
    ]
