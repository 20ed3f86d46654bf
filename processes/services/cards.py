from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from opmodel.errors import InvalidInput, Refused
from processes.errors import CardConflict
from processes.models import (
    EDITABLE_CARD_FIELDS,
    Client,
    Event,
    EventKind,
    PaymentTerms,
    Process,
    RequestCard,
    Status,
)
from processes.panels import card_created_hooks
from processes.permissions import require_card_editor
from processes.services.approvals import approval_requests_sync
from processes.services.clients import new_client_for_card
from processes.services.events import event_record
from processes.services.promises import promise_check
from processes.sla import sla_reprioritize, sla_start
from roles.permissions import role_map

# Card fields whose changes go into the history, with the event kind they make.
# Every field a weekly figure reads is here (the figures take values as they were at their
# point: channel at creation, discount and items as agreed, responsible and client at the
# week's end); the priority too, as it sets the SLA deadlines the breaches count.
TRACKED_FIELDS = {
    "channel": EventKind.FIELD_CHANGE,
    "priority": EventKind.FIELD_CHANGE,
    "discount_percent": EventKind.FIELD_CHANGE,
    "payment_terms": EventKind.FIELD_CHANGE,
    "deferred_days": EventKind.FIELD_CHANGE,
    "shipment_date": EventKind.FIELD_CHANGE,
    "promised_on": EventKind.PROMISE_CHANGED,
    "responsible": EventKind.ASSIGNMENT,
    "client": EventKind.FIELD_CHANGE,
}


RESPONSIBLE_REFUSED = "This person cannot take this card."


def _current_status(card: RequestCard) -> Status:
    return Status.objects.get(process_id=card.process_id, slug=card.status)


def _final_slugs(process_id: int) -> set[str]:
    return set(
        Status.objects.filter(process_id=process_id, final=True).values_list("slug", flat=True)
    )


def _refuse_if_finished(card: RequestCard, action: str) -> None:
    # A finished card is the record of what happened: its data stays as it was finished.
    if card.status in _final_slugs(card.process_id):
        raise Refused(f"This card is finished: its {action} can no longer change.")


def card_save(card: RequestCard, *, fields: list[str] | None = None) -> None:
    """Write the card's `fields` (all of them by default) with its next version, if nobody wrote
    it since it was read: one `UPDATE ... WHERE id = %s AND version = %s`. Otherwise nothing is
    written and the caller's transaction ends in CardConflict.

    No `refresh_from_db` of a card in the services: django-fsm's switches the protection of the
    status field off and on for the whole class, which threads answering at once undo for each
    other (tests/processes/test_race_threaded.py).
    """
    meta = RequestCard._meta
    names = fields or [f.name for f in meta.concrete_fields if not f.primary_key]
    columns = [meta.get_field(name) for name in names if name != "version"]
    values = [getattr(card, field.attname) for field in columns]
    if any(hasattr(value, "resolve_expression") for value in values):
        # An expression (F(), a subquery) is the ORM's to compile.
        written = RequestCard.objects.filter(pk=card.pk, version=card.version).update(
            version=card.version + 1, **{f.attname: v for f, v in zip(columns, values, strict=True)}
        )
    else:
        written = _card_update(card, columns, values)
    if not written:
        raise CardConflict()
    card.version += 1


def _card_update(card: RequestCard, columns: list, values: list) -> int:
    """The UPDATE of `card_save` written out, each value prepared by its field as the ORM's
    UPDATE prepares it: every move writes one, and building it through the ORM cost about as
    much CPU as all the move's other SQL (bench/hot_paths.py)."""
    meta, quote = RequestCard._meta, connection.ops.quote_name
    version = meta.get_field("version")
    sets = ", ".join(f"{quote(field.column)} = %s" for field in [*columns, version])
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {sets}"
        f" WHERE {quote(meta.pk.column)} = %s AND {quote(version.column)} = %s"
    )
    params = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(columns, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, card.version + 1, card.pk, card.version])
        return cursor.rowcount


def check_version(card: RequestCard, expected_version: int | None) -> None:
    """The caller acted on this version of the card; if it moved on since, they decided on
    stale data and must look again rather than overwrite someone else's change."""
    if expected_version is not None and expected_version != card.version:
        raise CardConflict()


def _check_responsible(process_id: int, responsible) -> None:
    # Whoever owns the next step must be able to see the card. The refusal names no one: the
    # id may be a user of another process, whose name is not the asker's to learn.
    if responsible is not None and not role_map(responsible).may_see_process(process_id):
        raise InvalidInput({"responsible": [RESPONSIBLE_REFUSED]})


def _full_clean(card: RequestCard) -> None:
    try:
        card.full_clean(exclude=["status", "version", "process", "created_by"])
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc


def _normalize_terms(card: RequestCard) -> None:
    if card.payment_terms == PaymentTerms.PREPAID:
        card.deferred_days = None
    elif card.deferred_days is None:
        raise InvalidInput({"deferred_days": ["Deferred payment needs a number of days."]})


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "get_username"):
        return value.get_username()
    return str(value)


def card_create(
    *,
    actor,
    process: Process,
    title: str,
    client: Client | None = None,
    new_client_name: str = "",
    channel: str = "email",
    priority: str = "normal",
    payment_terms: str = PaymentTerms.PREPAID,
    deferred_days: int | None = None,
    responsible=None,
    discount_percent: Decimal = Decimal("0"),
    shipment_date: date | None = None,
    promised_on: date | None = None,
    at: datetime | None = None,
    by_system: bool = False,
    details: dict | None = None,
) -> RequestCard:
    """A card in the process's first status, with its `created` event. A `new_client_name`
    makes that client with the card, in one transaction: a refused card leaves no client.

    `by_system`: the app opens the card itself (a shortage opening a purchase card), whatever
    roles the actor whose action caused it holds there; the actor is still its creator.

    `details`: what an app above needs to write its own rows for the card (a complaint's reason),
    given to its `card_created` hook (processes/panels.py), which may also refuse the card."""
    now = at or timezone.now()
    if not by_system:
        require_card_editor(actor, process.pk, "create cards")
    with transaction.atomic():
        if (new_client_name or "").strip():
            client = new_client_for_card(new_client_name, chosen=client)
        first = Status.objects.filter(process=process).order_by("order", "id").first()
        if first is None:
            raise Refused(f"The process {process.name!r} has no statuses yet.")
        card = RequestCard(
            process=process,
            title=(title or "").strip(),
            client=client,
            channel=channel,
            priority=priority,
            payment_terms=payment_terms,
            deferred_days=deferred_days,
            responsible=responsible,
            discount_percent=discount_percent,
            shipment_date=shipment_date,
            promised_on=promised_on,
            status=first.slug,
            created_at=now,
            updated_at=now,
            status_changed_at=now,
            created_by=actor,
        )
        _normalize_terms(card)
        _check_responsible(process.pk, responsible)
        _full_clean(card)
        promise_check(card, None, now)
        sla_start(card, first, now)
        card.save()
        event_record(
            card=card,
            kind=EventKind.CREATED,
            actor=actor,
            at=now,
            from_status="",
            data={
                # The values the card started with: each later change is an event with old
                # and new, so any field's value at any point is read from the history.
                "channel": channel,
                "priority": priority,
                "responsible": _as_text(responsible),
                **_client_data("client", client),
                "discount_percent": _as_text(card.discount_percent),
                "payment_terms": card.payment_terms,
                "deferred_days": _as_text(card.deferred_days),
                "shipment_date": _as_text(card.shipment_date),
                "promised_on": _as_text(card.promised_on),
                "deadline": deadline_data(None, card.due_at),
            },
        ).save()
        card_created_hooks(card, actor=actor, now=now, details=details or {})
        approval_requests_sync(card=card, actor=actor, now=now)
    return card


def card_update(
    *,
    actor,
    card: RequestCard,
    changes: dict,
    new_client_name: str = "",
    promise_reason: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> RequestCard:
    """Change the card's data; discount, terms, dates and responsible go to history.
    A `new_client_name` makes that client the card's, in one transaction with the change.
    Moving the promised date needs a `promise_reason` (docs/design.md, "Decisions")."""
    now = at or timezone.now()
    require_card_editor(actor, card.process_id, "change cards")
    unknown = set(changes) - set(EDITABLE_CARD_FIELDS)
    if unknown:
        raise InvalidInput({f: ["This field cannot be changed here."] for f in sorted(unknown)})
    check_version(card, expected_version)
    _refuse_if_finished(card, "data")
    reason = (promise_reason or "").strip()
    if not (new_client_name or "").strip():
        return _card_change(actor=actor, card=card, changes=changes, now=now, reason=reason)
    with transaction.atomic():
        client = new_client_for_card(new_client_name, chosen=changes.get("client"))
        changes = {**changes, "client": client}
        return _card_change(actor=actor, card=card, changes=changes, now=now, reason=reason)


def _client_data(key: str, client: Client | None) -> dict:
    """A client in an event: its name for people, its id for the figures (names may change)."""
    return {key: _as_text(client), f"{key}_id": client.pk if client else None}


def deadline_data(old: datetime | None, new: datetime | None) -> dict:
    """The status visit's SLA deadline before and after an event that set or moved it, so that
    the breaches can be recounted from the history alone."""
    return {"old": _as_text(old), "new": _as_text(new)}


def _change_data(field: str, old, new) -> dict:
    data = {"field": field, "old": _as_text(old), "new": _as_text(new)}
    if field == "client":
        data.update(_client_data("old", old) | _client_data("new", new))
    return data


def _card_change(
    *, actor, card: RequestCard, changes: dict, now: datetime, reason: str = ""
) -> RequestCard:
    before = {field: getattr(card, field) for field in TRACKED_FIELDS}
    before_due = card.due_at
    for field, value in changes.items():
        setattr(card, field, value)
    if "title" in changes:
        card.title = (card.title or "").strip()
    if "responsible" in changes:
        _check_responsible(card.process_id, card.responsible)
    _normalize_terms(card)
    _full_clean(card)
    promise_check(card, before["promised_on"], now, reason)
    if not changes:
        return card
    if before["priority"] != card.priority:
        sla_reprioritize(card, _current_status(card), now)
    events = []
    for field, kind in TRACKED_FIELDS.items():
        old, new = before[field], getattr(card, field)
        if old != new:
            data = _change_data(field, old, new)
            if field == "priority":
                data["deadline"] = deadline_data(before_due, card.due_at)
            why = reason if field == "promised_on" else ""
            events.append(
                event_record(card=card, kind=kind, actor=actor, at=now, data=data, reason=why)
            )
    with transaction.atomic():
        card.updated_at = now
        card_save(card)
        Event.objects.bulk_create(events)
        approval_requests_sync(card=card, actor=actor, now=now)
    return card
