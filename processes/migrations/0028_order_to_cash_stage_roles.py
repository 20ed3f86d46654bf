"""Order to cash hands its last stages over (issue 24, point 4): the goods waiting to ship
(`awaiting_payment`) are the warehouse's, the money after shipment (`fulfilled`) is finance's.
The groups "Warehouse" and "Finance" (made here if missing) are granted executor in order to
cash, as a stage role must hold a role in its process; their members take the cards from their
queue (the status's rule: unassigned, waiting for pick-up)."""

import uuid

from django.db import migrations

ORDER_TO_CASH = "order-to-cash"
STAGES = {"awaiting_payment": "Warehouse", "fulfilled": "Finance"}


def install(apps, schema_editor):
    """Also run by tests/conftest.py's o2c fixture after a flush, with the current models."""
    Process = apps.get_model("processes", "Process")
    Status = apps.get_model("processes", "Status")
    Group = apps.get_model("auth", "Group")
    ProcessRole = apps.get_model("roles", "ProcessRole")
    process = Process.objects.filter(slug=ORDER_TO_CASH).first()
    if process is None:
        return
    for slug, name in STAGES.items():
        group, _ = Group.objects.get_or_create(name=name)
        ProcessRole.objects.get_or_create(process_id=process.pk, kind="executor", group=group)
        Status.objects.filter(process=process, slug=slug, stage_group__isnull=True).update(
            stage_group=group
        )
    # Statuses changed by update(): the definitions held in memory are reloaded.
    Process.objects.filter(pk=process.pk).update(definition_version=uuid.uuid4())


def uninstall(apps, schema_editor):
    Status = apps.get_model("processes", "Status")
    Status.objects.filter(process__slug=ORDER_TO_CASH, slug__in=STAGES).update(stage_group=None)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("roles", "0006_informed_of"),
        ("processes", "0027_status_stage_group"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
