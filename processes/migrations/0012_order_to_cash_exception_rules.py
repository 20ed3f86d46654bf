"""Default exception rules of order to cash (docs/design.md, "Vocabulary")."""

from django.db import migrations

RULES = [
    # family, name, field, operator, threshold, level, authority, guards, decision SLA (hours)
    ("discount", "Discount over 10%", "discount_percent", ">", "10", 1, "manager", "agree", 4),
    ("discount", "Discount over 20%", "discount_percent", ">", "20", 2, "owner", "agree", 8),
    ("margin", "Margin under the 12% floor", "margin_percent", "<", "12", 2, "owner", "agree", 8),
    (
        "deferred_payment",
        "Deferred payment",
        "payment_terms",
        "==",
        "deferred",
        1,
        "finance",
        "invoice",
        8,
    ),
]


def install(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    ExceptionRule = apps.get_model("processes", "ExceptionRule")
    process = Process.objects.filter(slug="order-to-cash").first()
    if process is None:
        return
    transitions = {t.name: t for t in process.transitions.all()}
    for family, name, field, operator, threshold, level, authority, guards, hours in RULES:
        if guards not in transitions:
            continue
        ExceptionRule.objects.get_or_create(
            process=process,
            family=family,
            level=level,
            defaults={
                "name": name,
                "field": field,
                "operator": operator,
                "threshold": threshold,
                "approver_kind": "approver",
                "authority": authority,
                "guards": transitions[guards],
                "decision_sla_hours": hours,
            },
        )


def uninstall(apps, schema_editor):
    apps.get_model("processes", "ExceptionRule").objects.filter(
        process__slug="order-to-cash"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("processes", "0011_items_quantity_total_backfill")]
    operations = [migrations.RunPython(install, uninstall)]
