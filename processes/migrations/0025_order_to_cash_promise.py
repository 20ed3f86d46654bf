"""Order to cash keeps a promise (docs/design.md, "Decisions": the promised date): `agree` needs
the promised date (instead of the shipment date), `fulfil` records whether it was kept, and the
cards agreed and not yet shipped take their shipment date as the date promised, with an event
saying so (every field a figure reads changes through an event)."""

from django.db import migrations

PROCESS = "order-to-cash"
WAITING = ("agreed", "awaiting_payment")
REASON = "The shipment date agreed before promised dates were kept."


def install(apps, schema_editor):
    Transition = apps.get_model("processes", "Transition")
    RequestCard = apps.get_model("processes", "RequestCard")
    Event = apps.get_model("processes", "Event")
    agree = Transition.objects.filter(process__slug=PROCESS, name="agree").first()
    if agree is not None:
        conditions = [
            "has_promised_on" if c == "has_shipment_date" else c for c in agree.conditions
        ]
        agree.conditions = list(dict.fromkeys([*conditions, "has_promised_on"]))
        agree.save(update_fields=["conditions"])
    fulfil = Transition.objects.filter(process__slug=PROCESS, name="fulfil").first()
    if fulfil is not None and "record_shipment" not in fulfil.effects:
        # First, so that it reads the stock lines before the shipment consumes them.
        fulfil.effects = ["record_shipment", *fulfil.effects]
        fulfil.save(update_fields=["effects"])
    cards = RequestCard.objects.filter(
        process__slug=PROCESS,
        status__in=WAITING,
        promised_on__isnull=True,
        shipment_date__isnull=False,
    )
    events = []
    for card in cards.iterator():
        agreed = (
            Event.objects.filter(card_id=card.pk, kind="transition", to_status="agreed")
            .order_by("-at", "-id")
            .values_list("at", flat=True)
            .first()
        )
        events.append(
            Event(
                card_id=card.pk,
                kind="promise_changed",
                at=agreed or card.status_changed_at,
                from_status=card.status,
                to_status=card.status,
                reason=REASON,
                data={"field": "promised_on", "old": "", "new": card.shipment_date.isoformat()},
            )
        )
        RequestCard.objects.filter(pk=card.pk).update(promised_on=card.shipment_date)
    Event.objects.bulk_create(events, batch_size=1000)


def uninstall(apps, schema_editor):
    Transition = apps.get_model("processes", "Transition")
    for agree in Transition.objects.filter(process__slug=PROCESS, name="agree"):
        agree.conditions = [
            "has_shipment_date" if c == "has_promised_on" else c for c in agree.conditions
        ]
        agree.save(update_fields=["conditions"])
    for fulfil in Transition.objects.filter(process__slug=PROCESS, name="fulfil"):
        fulfil.effects = [e for e in fulfil.effects if e != "record_shipment"]
        fulfil.save(update_fields=["effects"])


class Migration(migrations.Migration):
    dependencies = [("processes", "0024_card_promise")]
    operations = [migrations.RunPython(install, uninstall)]
