"""Order to cash's whole-process target: from creation to fulfilled, in business time."""

from django.db import migrations

# priority ("" = any), business minutes from creation to fulfilled
TARGETS = [("", 5 * 9 * 60), ("high", 3 * 9 * 60), ("urgent", 2 * 9 * 60)]


def install(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    ProcessTarget = apps.get_model("processes", "ProcessTarget")
    process = Process.objects.filter(slug="order-to-cash").first()
    if process is None:
        return
    fulfilled = process.statuses.filter(slug="fulfilled").first()
    if fulfilled is None:
        return
    for priority, minutes in TARGETS:
        ProcessTarget.objects.get_or_create(
            process=process, priority=priority,
            defaults={"target_status": fulfilled, "allowance_minutes": minutes},
        )


def uninstall(apps, schema_editor):
    apps.get_model("processes", "ProcessTarget").objects.filter(
        process__slug="order-to-cash"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("processes", "0007_process_target")]
    operations = [migrations.RunPython(install, uninstall)]
