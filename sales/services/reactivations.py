"""The reactivation scan: a reactivation card for each client past its segment's usual
interval between orders, assigned to the client's account manager.

One open card per client whatever the scan's timing: each card is written with its
Reactivation row in one transaction, and the row's partial unique index (one open row per
client) refuses the second of two scans at once: its transaction, card included, is rolled
back. Repeated scans find the client's open row and pass it by.
"""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.services import notify
from processes.definition import process_zone_name
from processes.models import Channel, Client, Process
from processes.services import card_create
from roles.permissions import role_map
from sales.definitions import REACTIVATION_SLUG
from sales.models import Reactivation
from sales.selectors import DueClient, clients_due

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
            )
            reactivation = Reactivation.objects.create(
                client=client,
                card=card,
                segment=client.segment,
                last_order_at=due.last_order_at,
                opened_at=now,
            )
            if responsible is not None:
                _tell(process, reactivation, responsible, now)
            return reactivation
    except IntegrityError:
        # The unique index of open reactivations: another scan opened this client's card
        # first (and committed); this card is rolled back with the row.
        return None


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
