"""Default SLA policies for order to cash; awaiting payment waits on the customer."""

from django.db import migrations

# status, priority ("" = any), business minutes allowed
POLICIES = [
    ("received", "", 4 * 60),
    ("received", "high", 2 * 60),
    ("received", "urgent", 60),
    ("qualified", "", 8 * 60),
    ("qualified", "urgent", 2 * 60),
    ("priced", "", 16 * 60),
    ("priced", "urgent", 4 * 60),
    ("agreed", "", 8 * 60),
    ("agreed", "urgent", 2 * 60),
    ("awaiting_payment", "", 40 * 60),
    ("fulfilled", "", 24 * 60),
]


def install(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    SLAPolicy = apps.get_model("processes", "SLAPolicy")
    process = Process.objects.filter(slug="order-to-cash").first()
    if process is None:
        return
    statuses = {s.slug: s for s in process.statuses.all()}
    process.statuses.filter(slug="awaiting_payment").update(waiting_on_customer=True)
    for slug, priority, minutes in POLICIES:
        if slug in statuses:
            SLAPolicy.objects.get_or_create(
                process=process,
                status=statuses[slug],
                priority=priority,
                defaults={"allowance_minutes": minutes, "at_risk_percent": 75},
            )


def uninstall(apps, schema_editor):
    apps.get_model("processes", "SLAPolicy").objects.filter(process__slug="order-to-cash").delete()


class Migration(migrations.Migration):
    dependencies = [("processes", "0005_sla_clock")]
    operations = [migrations.RunPython(install, uninstall)]
