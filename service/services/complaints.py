"""Recording a complaint: a card of customer service with its reason, linked to its client and,
when it has one, to the order card it is about, in one transaction."""

from datetime import datetime

from django.db import transaction

from opmodel.errors import Forbidden, InvalidInput, Refused
from processes.definition import process_definition
from processes.models import Client, Event, EventKind, Priority, Process, RequestCard
from processes.permissions import require_card_editor
from processes.services import card_create
from processes.services.events import event_record
from processes.services.links import card_link
from service.definitions import LINK_KIND, PROCESS_SLUG, Reason
from service.models import Complaint


def complaint_process() -> Process:
    process = Process.objects.filter(slug=PROCESS_SLUG, is_active=True).first()
    if process is None:
        raise Forbidden("There is no customer service process to record complaints in.")
    return process


def _title(reason: str, order: RequestCard | None, client: Client) -> str:
    about = f"order #{order.pk} {order.title}" if order is not None else client.name
    return f"{Reason(reason).label}: {about}"[:200]


def complaint_create(
    *,
    actor,
    reason: str,
    now: datetime,
    client: Client | None = None,
    order: RequestCard | None = None,
    returned: str = "",
    title: str = "",
    priority: str = Priority.NORMAL,
    channel: str = "email",
    responsible=None,
) -> RequestCard:
    """A complaint card in customer service's first status. `order` is an order card the actor
    may see (the caller looked it up among their cards); its client is the complaint's unless
    another is given, which must then be the order's. Refused with field errors, nothing
    written: an unknown reason, no client, a client that is not the order's, an order that is
    itself a complaint. Only customer service's executors and accountable record complaints."""
    process = complaint_process()
    require_card_editor(actor, process.pk, "record complaints")
    errors: dict[str, list[str]] = {}
    if reason not in Reason.values:
        errors["reason"] = [f"Choose one of: {', '.join(Reason.values)}."]
    if order is not None:
        if order.process_id == process.pk:
            errors["order"] = ["A complaint is about an order card, not about another complaint."]
        elif client is None:
            client = order.client
        elif order.client_id is not None and client.pk != order.client_id:
            errors["client"] = [
                "The order is another client's: leave the client out or give the order's."
            ]
    if client is None and not errors.keys() & {"client", "order"}:
        errors["client"] = ["Name the client who complains (or the order, whose client it is)."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        card = card_create(
            actor=actor,
            process=process,
            title=(title or "").strip() or _title(reason, order, client),
            client=client,
            channel=channel,
            priority=priority,
            responsible=responsible,
            at=now,
            details={"reason": reason, "returned": returned},
        )
        if order is not None:
            card_link(actor=actor, source=card, target=order, kind=LINK_KIND, now=now)
    return card


# A card of customer service created without a reason (the board's "New card", POST
# /api/cards/) is refused rather than given a made-up one: the reason is what the quality
# figures count by, and only the person recording the complaint knows it.
NO_REASON = (
    'A complaint needs its reason: record it with "New complaint" on the board '
    "(/service/complaints/new/) or POST /api/complaints/."
)


def complaint_card_created(card: RequestCard, *, actor, now: datetime, details: dict) -> None:
    """A new card of customer service gets its Complaint row (processes' `card_created` hook,
    in card_create's transaction); refused without a reason."""
    if card.process.slug != PROCESS_SLUG:
        return
    if details.get("reason") not in Reason.values:
        raise InvalidInput({"process": [NO_REASON]})
    Complaint.objects.create(
        card=card,
        reason=details["reason"],
        returned=(details.get("returned") or "").strip(),
        created_at=now,
    )


def complaint_change(
    *, actor, card: RequestCard, now: datetime, reason: str | None = None, returned=None
) -> Complaint:
    """Change a complaint's reason or what is returned (found out later: the goods come back
    after all); each change goes into the card's history. Refused on a finished complaint."""
    require_card_editor(actor, card.process_id, "change complaints")
    if card.status in process_definition(card.process).final:
        raise Refused("This complaint is finished: it can no longer change.")
    if reason is not None and reason not in Reason.values:
        raise InvalidInput({"reason": [f"Choose one of: {', '.join(Reason.values)}."]})
    changes = {"reason": reason, "returned": None if returned is None else returned.strip()}
    with transaction.atomic():
        # Two changes at once: the second reads the first's values, so its history is true.
        complaint = Complaint.objects.select_for_update().filter(card_id=card.pk).first()
        if complaint is None:
            raise InvalidInput({"card": ["This card is not a complaint."]})
        events = []
        for field, new in changes.items():
            old = getattr(complaint, field)
            if new is None or new == old:
                continue
            setattr(complaint, field, new)
            data = {"field": f"complaint_{field}", "old": old, "new": new}
            events.append(
                event_record(card=card, kind=EventKind.FIELD_CHANGE, actor=actor, at=now, data=data)
            )
        if events:
            complaint.save(update_fields=["reason", "returned"])
            Event.objects.bulk_create(events)
    return complaint
