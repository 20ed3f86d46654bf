"""Order to cash follows the money (issue 24, "The money"): the invoicing move issues the
invoice, prepaid goods ship once paid in full, a shipped card waits for its money until the
invoice's due date (deadline source `invoice_due`, not a fixed allowance) and closes once paid,
a lost card's invoice is voided; names and next actions read for both terms. No status slug
changes, so cards stay where they are; cards invoiced before this have no invoice and move on
as before. The finance approval now covers the days: the rule reads `deferred_days >= 1` (only
deferred terms have days), so an approval records the days it approved and more days ask again.
"""

import uuid

from django.db import migrations
from django.utils import timezone

STATUSES = {
    # slug: (name, next action, deadline source); None keeps the current value
    "agreed": (None, "Issue the invoice (deferred terms need finance's approval first).", None),
    "awaiting_payment": (
        "To ship",
        "Ship: prepaid once the invoice is paid in full, deferred at once.",
        "",
    ),
    "fulfilled": (
        "Shipped",
        "Collect the payment by the invoice's due date, then close.",
        "invoice_due",
    ),
}
OLD_STATUSES = {
    "agreed": ("Agreed", "Send the invoice.", ""),
    "awaiting_payment": ("Awaiting payment", "Ship when paid or when terms allow.", ""),
    "fulfilled": ("Fulfilled", "Collect payment and close.", ""),
}
# transition: (label or None, conditions added, effects added)
TRANSITIONS = {
    "invoice": ("Issue invoice", [], ["issue_invoice"]),
    "fulfil": ("Ship", ["prepaid_paid_in_full"], []),
    "close": (None, ["paid_in_full"], []),
    "mark_lost": (None, [], ["void_invoice"]),
}
OLD_LABELS = {"invoice": "Send invoice", "fulfil": "Fulfil"}
RULE_FAMILY = "deferred_payment"


def install(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    Status = apps.get_model("processes", "Status")
    Transition = apps.get_model("processes", "Transition")
    ExceptionRule = apps.get_model("processes", "ExceptionRule")
    ApprovalRequest = apps.get_model("processes", "ApprovalRequest")
    process = Process.objects.filter(slug="order-to-cash").first()
    if process is None:
        return
    for status in Status.objects.filter(process_id=process.pk, slug__in=STATUSES):
        name, next_action, source = STATUSES[status.slug]
        status.name = name or status.name
        status.next_action = next_action or status.next_action
        status.deadline_source = status.deadline_source if source is None else source
        status.save(update_fields=["name", "next_action", "deadline_source"])
    for transition in Transition.objects.filter(process_id=process.pk, name__in=TRANSITIONS):
        label, conditions, effects = TRANSITIONS[transition.name]
        transition.label = label or transition.label
        transition.conditions = list(dict.fromkeys([*transition.conditions, *conditions]))
        transition.effects = list(dict.fromkeys([*transition.effects, *effects]))
        transition.save(update_fields=["label", "conditions", "effects"])
    rule = ExceptionRule.objects.filter(process_id=process.pk, family=RULE_FAMILY).first()
    if rule is not None and rule.field == "payment_terms":
        rule.name, rule.field, rule.operator, rule.threshold = (
            "Deferred payment (days)",
            "deferred_days",
            ">=",
            "1",
        )
        rule.save(update_fields=["name", "field", "operator", "threshold"])
        # A current request stood for "deferred": it now stands for the days the card has.
        current = ApprovalRequest.objects.filter(
            rule__family=RULE_FAMILY,
            card__process_id=process.pk,
            status__in=["pending", "approved", "rejected"],
        ).select_related("card")
        for request in current:
            if request.card.deferred_days:
                request.value = str(request.card.deferred_days)
                request.save(update_fields=["value"])
            else:
                request.status, request.closed_at = "withdrawn", timezone.now()
                request.save(update_fields=["status", "closed_at"])
    # A new definition version: workers holding the old definition load this one.
    Process.objects.filter(pk=process.pk).update(definition_version=uuid.uuid4())


def uninstall(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    Status = apps.get_model("processes", "Status")
    Transition = apps.get_model("processes", "Transition")
    ExceptionRule = apps.get_model("processes", "ExceptionRule")
    process = Process.objects.filter(slug="order-to-cash").first()
    if process is None:
        return
    for status in Status.objects.filter(process_id=process.pk, slug__in=OLD_STATUSES):
        status.name, status.next_action, status.deadline_source = OLD_STATUSES[status.slug]
        status.save(update_fields=["name", "next_action", "deadline_source"])
    for transition in Transition.objects.filter(process_id=process.pk, name__in=TRANSITIONS):
        _, conditions, effects = TRANSITIONS[transition.name]
        transition.label = OLD_LABELS.get(transition.name, transition.label)
        transition.conditions = [c for c in transition.conditions if c not in conditions]
        transition.effects = [e for e in transition.effects if e not in effects]
        transition.save(update_fields=["label", "conditions", "effects"])
    ExceptionRule.objects.filter(
        process_id=process.pk, family=RULE_FAMILY, field="deferred_days"
    ).update(name="Deferred payment", field="payment_terms", operator="==", threshold="deferred")
    apps.get_model("processes", "ApprovalRequest").objects.filter(
        rule__family=RULE_FAMILY,
        card__process_id=process.pk,
        status__in=["pending", "approved", "rejected"],
    ).update(value="deferred")
    # A new definition version: workers holding the old definition load this one.
    Process.objects.filter(pk=process.pk).update(definition_version=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0001_initial"),
        ("processes", "0026_status_deadline_source"),
    ]
    operations = [migrations.RunPython(install, uninstall)]
