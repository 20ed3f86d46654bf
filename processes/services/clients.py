"""Clients: shared by every process, made on their own or typed with a new card."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from opmodel.errors import InvalidInput
from processes.models import Client, ClientSegment, ClientSegmentChange, Process
from roles.permissions import role_map

# The process whose orders an account manager follows (repeat sales, the sales app).
ORDER_PROCESS_SLUG = "order-to-cash"
ACCOUNT_MANAGER_REFUSED = "An account manager holds a role in order to cash."


def check_account_manager(user) -> None:
    """An account manager follows the client's orders, so must hold a role in order to cash.
    The refusal names no one (the id may be a user the asker is not to learn of)."""
    if user is None:
        return
    process = Process.objects.filter(slug=ORDER_PROCESS_SLUG).only("pk").first()
    if process is None or not user.is_active or not role_map(user).may_see_process(process.pk):
        raise InvalidInput({"account_manager": [ACCOUNT_MANAGER_REFUSED]})


def client_create(
    *, name: str, segment: ClientSegment | None = None, account_manager=None
) -> Client:
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": ["Give the client's name."]})
    check_account_manager(account_manager)
    try:
        with transaction.atomic():
            return Client.objects.create(
                name=name, segment=segment, account_manager=account_manager
            )
    except IntegrityError as exc:
        raise InvalidInput({"name": [f"A client named {name!r} already exists."]}) from exc


def client_update(
    *, client: Client, changes: dict, actor=None, now: datetime | None = None
) -> Client:
    """Set the client's `segment` and `account_manager` (the keys given). A segment change is
    recorded (who, when, from, to): the figures by segment read it as at their week's end."""
    if "account_manager" in changes:
        check_account_manager(changes["account_manager"])
    old_segment_id = client.segment_id
    fields = [f for f in ("segment", "account_manager") if f in changes]
    for field in fields:
        setattr(client, field, changes[field])
    with transaction.atomic():
        if fields:
            client.save(update_fields=fields)
        client_segment_changed(client=client, old_segment_id=old_segment_id, actor=actor, now=now)
    return client


def client_segment_changed(
    *, client: Client, old_segment_id: int | None, actor=None, now: datetime | None = None
) -> ClientSegmentChange | None:
    """Record the client's segment change from `old_segment_id` to its segment now, if it
    changed (client_update, and the admin's client form, which saves the client itself)."""
    if client.segment_id == old_segment_id:
        return None
    return ClientSegmentChange.objects.create(
        client=client,
        at=now or timezone.now(),
        by=actor,
        old_segment_id=old_segment_id,
        new_segment_id=client.segment_id,
    )


def new_client_for_card(name: str, *, chosen: Client | None) -> Client:
    """The client typed with a card, made inside the card's transaction."""
    if chosen is not None:
        raise InvalidInput(
            {"new_client_name": ["Pick an existing client or type a new one, not both."]}
        )
    try:
        return client_create(name=name)
    except InvalidInput as exc:
        raise InvalidInput({"new_client_name": exc.errors["name"]}) from exc
