"""Installs the default order-to-cash process (docs/design.md, "Vocabulary") on every fresh database."""

from django.db import migrations

STATUSES = [
    # slug, name, final, next action
    ("received", "Received", False, "Qualify the request: confirm the client and the need."),
    ("qualified", "Qualified", False, "Check availability, reserve and set the price."),
    ("priced", "Priced", False, "Agree the offer with the client."),
    ("agreed", "Agreed", False, "Send the invoice."),
    ("awaiting_payment", "Awaiting payment", False, "Ship when paid or when terms allow."),
    ("fulfilled", "Fulfilled", False, "Collect payment and close."),
    ("closed", "Closed", True, ""),
    ("lost", "Lost", True, ""),
]
OPEN = [s[0] for s in STATUSES if not s[2]]
TRANSITIONS = [
    # name, label, sources, target, conditions
    ("qualify", "Qualify", ["received"], "qualified", ["has_client"]),
    ("price", "Price", ["qualified"], "priced", ["has_line_items"]),
    ("agree", "Agree", ["priced"], "agreed", ["has_price", "has_shipment_date"]),
    ("invoice", "Send invoice", ["agreed"], "awaiting_payment", []),
    ("fulfil", "Fulfil", ["awaiting_payment"], "fulfilled", []),
    ("close", "Close", ["fulfilled"], "closed", []),
    ("mark_lost", "Mark lost", OPEN, "lost", ["has_lost_reason"]),
]
BLOCK_REASONS = [
    ("waiting_stock", "Waiting for stock"),
    ("waiting_customer", "Waiting for customer"),
    ("waiting_documents", "Waiting for documents"),
    ("waiting_payment", "Waiting for payment"),
    ("waiting_supplier", "Waiting for supplier"),
    ("internal_dispute", "Internal dispute"),
]


def install(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    Status = apps.get_model("processes", "Status")
    Transition = apps.get_model("processes", "Transition")
    BlockReason = apps.get_model("processes", "BlockReason")
    process, created = Process.objects.get_or_create(
        slug="order-to-cash",
        defaults={
            "name": "Order to cash",
            "description": "A B2B distributor's path from a customer's request to money.",
            "input": "A customer's request through a channel",
            "output": "Goods shipped, documents complete, payment received",
        },
    )
    if not created:
        return
    statuses = {}
    for order, (slug, name, final, next_action) in enumerate(STATUSES):
        statuses[slug] = Status.objects.create(
            process=process, slug=slug, name=name, final=final, order=order,
            next_action=next_action,
        )
    for order, (name, label, sources, target, conditions) in enumerate(TRANSITIONS):
        transition = Transition.objects.create(
            process=process, name=name, label=label, target=statuses[target],
            allowed_roles=["executor", "accountable"], conditions=conditions, order=order,
        )
        transition.sources.set([statuses[s] for s in sources])
    for order, (slug, name) in enumerate(BLOCK_REASONS):
        BlockReason.objects.create(process=process, slug=slug, name=name, order=order)


def uninstall(apps, schema_editor):
    apps.get_model("processes", "Process").objects.filter(slug="order-to-cash").delete()


class Migration(migrations.Migration):
    dependencies = [("processes", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
