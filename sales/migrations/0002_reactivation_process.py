"""The reactivation process (repeat sales): a card for a client who has not ordered within its
segment's usual interval, opened by the scan (sales.services.reactivation_scan) for the
client's account manager, worked until the client orders again (won, the order linked) or
plainly will not (lost, no order, with the reason). Its roles start as the people (not the
groups: those are order to cash's stage roles, the warehouse and finance) who are order to
cash's executors and accountables: the people who sell are those who win clients back."""

from django.db import migrations

STATUSES = [
    # slug, name, final, outcome, waiting on the customer, next action
    (
        "to_contact", "To contact", False, "", False,
        "Call or write to the client: ask how they are supplied now and what they need next.",
    ),
    (
        "contacted", "Contacted", False, "", True,
        "Follow up until the client places an order, or learn why they will not.",
    ),
    ("won", "Won", True, "won", False, ""),
    ("lost", "No order", True, "lost", False, ""),
]
TRANSITIONS = [
    # name, label, sources, target, conditions, effects
    ("contact", "Contacted", ["to_contact"], "contacted", ["has_responsible"], []),
    (
        "win", "Won: the client ordered", ["to_contact", "contacted"], "won",
        ["client_ordered_since_opened"], ["reactivation_won"],
    ),
    (
        "mark_lost", "No order", ["to_contact", "contacted"], "lost",
        ["has_lost_reason"], ["reactivation_lost"],
    ),
]
# Business minutes: two working days to reach the client, a working week to follow up (the
# follow-up's clock pauses while it waits on the client).
SLAS = [("to_contact", 2 * 8 * 60), ("contacted", 5 * 8 * 60)]
BLOCK_REASONS = [
    ("client_unreachable", "Client unreachable"),
    ("waiting_customer", "Waiting for the client's answer"),
    ("waiting_offer", "Waiting for an offer or a price"),
]
COPIED_KINDS = ["executor", "accountable"]


def install(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    Status = apps.get_model("processes", "Status")
    Transition = apps.get_model("processes", "Transition")
    SLAPolicy = apps.get_model("processes", "SLAPolicy")
    BlockReason = apps.get_model("processes", "BlockReason")
    ProcessRole = apps.get_model("roles", "ProcessRole")

    orders = Process.objects.filter(slug="order-to-cash").first()
    process, created = Process.objects.get_or_create(
        slug="reactivation",
        defaults={
            "name": "Reactivation",
            "description": "Winning back clients who have not ordered within their segment's "
            "usual interval between orders.",
            "input": "A client past its segment's usual interval without an order",
            "output": "A new order from the client, or the reason there is none",
            "owner_id": orders.owner_id if orders else None,
        },
    )
    if not created:
        return
    statuses = {}
    for order, (slug, name, final, outcome, waiting, next_action) in enumerate(STATUSES):
        statuses[slug] = Status.objects.create(
            process=process, slug=slug, name=name, final=final, outcome=outcome,
            waiting_on_customer=waiting, order=order, next_action=next_action,
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
    for order, (slug, name) in enumerate(BLOCK_REASONS):
        BlockReason.objects.create(process=process, slug=slug, name=name, order=order)
    if orders is not None:
        sellers = ProcessRole.objects.filter(
            process_id=orders.pk, kind__in=COPIED_KINDS, user__isnull=False
        )
        for grant in sellers:
            ProcessRole.objects.create(process_id=process.pk, kind=grant.kind, user_id=grant.user_id)


def uninstall(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    ProcessRole = apps.get_model("roles", "ProcessRole")
    for process in Process.objects.filter(slug="reactivation"):
        ProcessRole.objects.filter(process_id=process.pk).delete()
        process.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
        ("roles", "0006_informed_of"),
    ]
    operations = [migrations.RunPython(install, uninstall)]
