"""Creates the standard business calendar and puts order to cash on it."""

import datetime

from django.db import migrations

NAME = "Standard office hours"
# Written out, not imported: a migration keeps the values it was written with.
FIELDS = {
    "timezone": "Europe/Berlin",
    "working_days": [1, 2, 3, 4, 5],
    "day_start": datetime.time(9),
    "day_end": datetime.time(18),
    "holiday_country": "DE",
    "holiday_subdivision": "",
}


def install(apps, schema_editor):
    BusinessCalendar = apps.get_model("processes", "BusinessCalendar")
    Process = apps.get_model("processes", "Process")
    calendar, _ = BusinessCalendar.objects.get_or_create(name=NAME, defaults=FIELDS)
    Process.objects.filter(slug="order-to-cash", calendar__isnull=True).update(calendar=calendar)


def uninstall(apps, schema_editor):
    BusinessCalendar = apps.get_model("processes", "BusinessCalendar")
    Process = apps.get_model("processes", "Process")
    Process.objects.filter(calendar__name=NAME).update(calendar=None)
    BusinessCalendar.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("processes", "0003_calendars")]
    operations = [migrations.RunPython(install, uninstall)]
