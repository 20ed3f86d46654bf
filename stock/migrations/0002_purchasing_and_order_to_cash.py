"""Purchasing as a process (docs/design.md, "Vocabulary"), the stock conditions and effects on order to
cash's moves, and the Warehouse group that may move stock."""

from django.db import migrations

STATUSES = [
    # slug, name, final, outcome, next action
    ("requested", "Requested", False, "", "Order the goods from a supplier."),
    ("ordered", "Ordered", False, "", "Receive the goods and record the receipt."),
    ("received", "Received", True, "won", ""),
    ("cancelled", "Cancelled", True, "lost", ""),
]
TRANSITIONS = [
    # name, label, sources, target, conditions, effects
    ("order", "Order", ["requested"], "ordered", [], []),
    ("receive", "Receive", ["ordered"], "received", ["has_receipt"], ["close_purchase"]),
    ("cancel", "Cancel", ["requested", "ordered"], "cancelled", [], ["close_purchase"]),
]
SLAS = [("requested", 4 * 60), ("ordered", 5 * 8 * 60)]
# order to cash: transition -> (conditions added, effects)
ORDER_TO_CASH = {
    "price": ([], ["reserve_stock"]),  # leaving qualified reserves
    "fulfil": (["stock_reserved_in_full"], ["consume_stock"]),  # shipping consumes
    "mark_lost": ([], ["release_stock"]),
}


def install(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    Status = apps.get_model("processes", "Status")
    Transition = apps.get_model("processes", "Transition")
    SLAPolicy = apps.get_model("processes", "SLAPolicy")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    process, created = Process.objects.get_or_create(
        slug="purchasing",
        defaults={
            "name": "Purchasing",
            "description": "Buying what order cards wait for, opened by a shortage.",
            "input": "A shortage of stock on an order card",
            "output": "Goods received into the warehouse",
        },
    )
    if created:
        statuses = {}
        for order, (slug, name, final, outcome, next_action) in enumerate(STATUSES):
            statuses[slug] = Status.objects.create(
                process=process, slug=slug, name=name, final=final, outcome=outcome,
                order=order, next_action=next_action,
            )
        for order, (name, label, sources, target, conditions, effects) in enumerate(TRANSITIONS):
            transition = Transition.objects.create(
                process=process, name=name, label=label, target=statuses[target],
                allowed_roles=["executor", "accountable"], conditions=conditions,
                effects=effects, order=order,
            )
            transition.sources.set([statuses[s] for s in sources])
        for slug, minutes in SLAS:
            SLAPolicy.objects.create(
                process=process, status=statuses[slug], priority="",
                allowance_minutes=minutes, at_risk_percent=75,
            )
    for name, (conditions, effects) in ORDER_TO_CASH.items():
        transition = Transition.objects.filter(process__slug="order-to-cash", name=name).first()
        if transition is None:
            continue
        transition.conditions = list(dict.fromkeys([*transition.conditions, *conditions]))
        transition.effects = list(dict.fromkeys([*transition.effects, *effects]))
        transition.save(update_fields=["conditions", "effects"])

    content_type, _ = ContentType.objects.get_or_create(app_label="stock", model="warehouse")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="move_stock",
        defaults={"name": "Can record stock movements"},
    )
    group, _ = Group.objects.get_or_create(name="Warehouse")
    group.permissions.add(permission)


def uninstall(apps, schema_editor):
    Transition = apps.get_model("processes", "Transition")
    for name, (conditions, effects) in ORDER_TO_CASH.items():
        for transition in Transition.objects.filter(process__slug="order-to-cash", name=name):
            transition.conditions = [c for c in transition.conditions if c not in conditions]
            transition.effects = [e for e in transition.effects if e not in effects]
            transition.save(update_fields=["conditions", "effects"])
    apps.get_model("processes", "Process").objects.filter(slug="purchasing").delete()
    apps.get_model("auth", "Group").objects.filter(name="Warehouse").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stock", "0001_initial"),
        ("processes", "0022_card_links"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(install, uninstall)]
