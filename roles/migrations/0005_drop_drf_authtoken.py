# DRF's authtoken app is gone (API tokens are django-rest-knox's since issue 15): its table and
# its migration records are removed here, so that an existing database keeps no never-expiring
# tokens and a later reinstall of authtoken would start clean. A no-op on a new database.

from django.db import migrations

DROP = [
    "DROP TABLE IF EXISTS authtoken_token",
    "DELETE FROM django_migrations WHERE app = 'authtoken'",
]


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0004_notification_preference_moved"),
    ]

    operations = [
        migrations.RunSQL(sql=DROP, reverse_sql=migrations.RunSQL.noop),
    ]
