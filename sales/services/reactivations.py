"""The reactivation scan: a reactivation card for each client past its segment's usual
interval between orders, assigned to the client's account manager.

One open card per client whatever the scan's timing: each card is written with its
Reactivation row in one transaction (the row written by the card's `card_created` hook, so a
card opened by hand gets one too), and the row's partial unique index (one open row per client)
refuses the second of two scans at once: its transaction, card included, is rolled back.
Repeated scans find the client's open row and pass it by.
"""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.services import notify
from opmodel.errors import InvalidInput
from processes.definition import process_zone_name
from processes.models import Channel, Client, Process, RequestCard
from processes.services import card_create
from roles.permissions import role_map
from sales.definitions import REACTIVATION_SLUG
from sales.models import Reactivation
from sales.selectors import DueClient, clients_due, last_orders

log = logging.getLogger(__name__)


def reactivation_process() -> Process | None:
    return Process.objects.filter(slug=REACTIVATION_SLUG, is_active=True).first()


def _open_one(process: Process, due: DueClient, now: datetime) -> Reactivation | None:
    """The client's card and row in one transaction; None when another scan opened it."""
    try:
        with transaction.atomic():
            client = Client.objects.select_related("segment", "account_manager").get(
                pk=due.client_id
            )
            manager = client.account_manager
            # Assigned when the account manager may work in the reactivation process (a role
            # there); otherwise the card waits unassigned for the process's executors.
            responsible = (
                manager
                if manager is not None
                and manager.is_active
                and role_map(manager).may_see_process(process.pk)
                else None
            )
            card = card_create(
                actor=None,
                process=process,
                title=f"Reactivate {client.name}",
                client=client,
                channel=Channel.SALES_REP,
                responsible=responsible,
                at=now,
                by_system=True,
                details={"last_order_at": due.last_order_at},
            )
            reactivation = card.reactivation
            if responsible is not None:
                _tell(process, reactivation, responsible, now)
            return reactivation
    except ReactivationOpen:
        # Another scan opened this client's card first (and committed); this card is rolled
        # back with its row.
        return None


class ReactivationOpen(InvalidInput):
    """The client has an open reactivation already (the partial unique index said so)."""

    def __init__(self, client: Client):
        super().__init__({"client": [f"{client.name} has an open reactivation already."]})


def reactivation_card_created(card: RequestCard, *, actor, now: datetime, details: dict) -> None:
    """A new card of the reactivation process gets its Reactivation row (processes'
    `card_created` hook, in card_create's transaction), whoever opened it: the scan, or a person
    on the board or through the API. Refused without a client, or when the client has an open
    reactivation already. `details["last_order_at"]`: the last order the scan found; otherwise
    the client's last order card now."""
    if card.process.slug != REACTIVATION_SLUG:
        return
    client = card.client
    if client is None:
        raise InvalidInput({"client": ["A reactivation card names the client to reactivate."]})
    if "last_order_at" in details:
        last_order_at = details["last_order_at"]
    else:
        last_order_at = last_orders([client.pk]).get(client.pk)
    try:
        # A savepoint: on PostgreSQL a failed insert would otherwise spoil the whole
        # transaction, and the refusal is then a field error rather than a server error.
        with transaction.atomic():
            Reactivation.objects.create(
                client=client,
                card=card,
                segment_id=client.segment_id,
                last_order_at=last_order_at,
                opened_at=now,
            )
    except IntegrityError as exc:
        raise ReactivationOpen(client) from exc


def _tell(process, reactivation: Reactivation, manager, now: datetime) -> None:
    card_id = reactivation.card_id
    notify(
        users=[manager],
        kind="reactivation_opened",
        text=f"{reactivation.client.name} has not ordered for longer than usual: "
        f"reactivation card #{card_id} is yours.",
        url=f"/cards/{card_id}/",
        subject=f"card:{card_id}",
        key=f"reactivation_opened:{card_id}",
        asks_action=True,
        zone=process_zone_name(process),
        now=now,
    )


def reactivation_scan(*, now: datetime | None = None) -> dict:
    """Open the reactivation cards due at `now`: {"opened": [card ids], "skipped": n}
    (skipped: opened meanwhile by another scan)."""
    now = now or timezone.now()
    process = reactivation_process()
    if process is None:
        return {"opened": [], "skipped": 0}
    opened, skipped = [], 0
    for due in clients_due(now=now):
        reactivation = _open_one(process, due, now)
        if reactivation is None:
            skipped += 1
        else:
            opened.append(reactivation.card_id)
    if opened or skipped:
        log.info("reactivation scan: %s opened, %s skipped", len(opened), skipped)
    return {"opened": opened, "skipped": skipped}
