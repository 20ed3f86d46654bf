"""Customer service as a process (docs/design.md, "Vocabulary"): complaints and returns about
orders. Statuses with their next actions, transitions, SLAs per priority on the standard
calendar, block reasons, the "Service" group as its executor, and order to cash's accountable,
escalation and approvers given the same roles here (the managers and owners answer for both).
Its rhythm of reviews is the reviews app's (seed_demo_reviews), as order to cash's is."""

import uuid

from django.db import migrations

SLUG = "customer-service"
STATUSES = [
    # slug, name, final, outcome, waiting on the customer, next action
    ("received", "Received", False, "", False,
     "Acknowledge the complaint to the client and set its priority."),
    ("triaged", "Triaged", False, "", False,
     "Find out what went wrong: the order, its delivery, the goods."),
    ("investigating", "Investigating", False, "", False,
     "Propose a resolution: a refund, a replacement, a repair or a credit."),
    ("proposed", "Resolution proposed", False, "", True,
     "Wait for the client's answer to the proposal; ask the goods back for a return."),
    ("awaiting_return", "Awaiting return", False, "", True,
     "Receive the returned goods and check them against the complaint."),
    ("resolved", "Resolved", True, "won", False, ""),
    ("rejected", "Rejected", True, "lost", False, ""),
]  # fmt: skip
TRANSITIONS = [
    # name, label, sources, target, conditions
    ("triage", "Triage", ["received"], "triaged", []),
    ("investigate", "Investigate", ["triaged"], "investigating", ["has_responsible"]),
    ("propose", "Propose a resolution", ["investigating"], "proposed", []),
    ("reopen", "Investigate again", ["proposed", "awaiting_return"], "investigating", []),
    ("await_return", "Await the return", ["proposed"], "awaiting_return",
     ["complaint_has_return"]),
    ("resolve", "Resolve", ["proposed", "awaiting_return"], "resolved", []),
    ("reject", "Reject", ["received", "triaged", "investigating"], "rejected",
     ["has_lost_reason"]),
]  # fmt: skip
# status, priority ("" = any), business minutes allowed
SLAS = [
    ("received", "", 4 * 60), ("received", "high", 2 * 60), ("received", "urgent", 60),
    ("triaged", "", 8 * 60), ("triaged", "high", 4 * 60), ("triaged", "urgent", 2 * 60),
    ("investigating", "", 16 * 60), ("investigating", "high", 8 * 60),
    ("investigating", "urgent", 4 * 60),
    ("proposed", "", 24 * 60), ("awaiting_return", "", 40 * 60),
]  # fmt: skip
BLOCK_REASONS = [
    ("waiting_client", "Waiting for the client"),
    ("waiting_carrier", "Waiting for the carrier's report"),
    ("waiting_supplier", "Waiting for the supplier"),
    ("waiting_finance", "Waiting for finance (refund or credit)"),
]
GROUP = "Service"
# Order to cash's roles that customer service copies: who answers for the outcome, who steps in
# at risk and who decides exceptions.
COPIED_KINDS = ["accountable", "escalation", "approver"]
# Written out, not imported: a migration keeps the values it was written with.
STANDARD_CALENDAR = "Standard office hours"


def install(apps, schema_editor):
    """Also run by tests/service/conftest.py after a transactional test's flush."""
    Process = apps.get_model("processes", "Process")
    Status = apps.get_model("processes", "Status")
    Transition = apps.get_model("processes", "Transition")
    SLAPolicy = apps.get_model("processes", "SLAPolicy")
    BlockReason = apps.get_model("processes", "BlockReason")
    BusinessCalendar = apps.get_model("processes", "BusinessCalendar")
    ProcessRole = apps.get_model("roles", "ProcessRole")
    Group = apps.get_model("auth", "Group")

    calendar = BusinessCalendar.objects.filter(name=STANDARD_CALENDAR).first()
    process, created = Process.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Customer service",
            "description": "Complaints and returns: every appeal of a client is a card, linked "
            "to its client and to the order it is about, instead of a message in a chat.",
            "input": "A client's complaint or return",
            "output": "The complaint resolved (refund, replacement, repair, credit) or rejected",
            "calendar": calendar,
        },
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    ProcessRole.objects.get_or_create(process_id=process.pk, kind="executor", group=group)
    if not created:
        return
    statuses = {}
    for order, (slug, name, final, outcome, waiting, action) in enumerate(STATUSES):
        statuses[slug] = Status.objects.create(
            process=process, slug=slug, name=name, final=final, outcome=outcome, order=order,
            waiting_on_customer=waiting, next_action=action,
        )  # fmt: skip
    for order, (name, label, sources, target, conditions) in enumerate(TRANSITIONS):
        transition = Transition.objects.create(
            process=process, name=name, label=label, target=statuses[target],
            allowed_roles=["executor", "accountable"], conditions=conditions, effects=[],
            order=order,
        )  # fmt: skip
        transition.sources.set([statuses[s] for s in sources])
    for slug, priority, minutes in SLAS:
        SLAPolicy.objects.create(
            process=process, status=statuses[slug], priority=priority,
            allowance_minutes=minutes, at_risk_percent=75,
        )  # fmt: skip
    for order, (slug, name) in enumerate(BLOCK_REASONS):
        BlockReason.objects.create(process=process, slug=slug, name=name, order=order)
    order_to_cash = Process.objects.filter(slug="order-to-cash").first()
    if order_to_cash is not None:
        for grant in ProcessRole.objects.filter(
            process_id=order_to_cash.pk, kind__in=COPIED_KINDS
        ):
            ProcessRole.objects.get_or_create(
                process_id=process.pk, kind=grant.kind, user_id=grant.user_id,
                group_id=grant.group_id, defaults={"authority": grant.authority},
            )  # fmt: skip
        if order_to_cash.owner_id and process.owner_id is None:
            process.owner_id = order_to_cash.owner_id
    process.definition_version = uuid.uuid4()
    process.save()


def uninstall(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    process = Process.objects.filter(slug=SLUG).first()
    if process is not None:
        apps.get_model("roles", "ProcessRole").objects.filter(process_id=process.pk).delete()
        process.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0001_initial"),
        ("processes", "0029_event_kinds_promise_and_handoff"),
        ("roles", "0006_informed_of"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(install, uninstall)]
