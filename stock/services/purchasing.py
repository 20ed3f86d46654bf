"""Shortages open purchase cards (one open per product, linked both ways to the order cards
waiting), and the people concerned hear of it at once (docs/design.md, "Vocabulary": purchase
card).

A reservation left short does not do this itself: it queues `shortages_catch_up` for its
products (`shortages_queue`, after its commit), and a worker catches up every shortage of those
products still waiting for its purchase card in one go, usually within a second. The work of a
burst of shortages of one product is then done once, off the reserve request's path (issue 23:
the request waited for it, and the bookkeeping queued on the product's one purchase need). A
sweep in beat catches up whatever a lost message left (`stock.tasks.shortages_sweep`)."""

from datetime import datetime

from django.db import IntegrityError, connection, transaction

from notifications.services import notify
from processes.definition import process_zone_name
from processes.models import CardLink, Process, RequestCard
from processes.services.cards import card_create
from processes.services.links import card_link
from roles.models import RoleKind
from roles.selectors import role_holders
from stock.models import PurchaseNeed, Stock, StockLine

PURCHASING = "purchasing"
LINK_KIND = "purchase"


def _purchasing_process() -> Process | None:
    return Process.objects.filter(slug=PURCHASING, is_active=True).first()


def needs_recount(*, product_ids, locked: bool = False) -> None:
    """Each open purchase need's quantity: what the lines waiting for its product lack, in
    one UPDATE. The needs are locked first (unless the caller holds them: `locked`), so that
    of two recounts at once the later one's UPDATE, a statement of its own, reads what the
    earlier committed (READ COMMITTED: each statement sees the latest). Plain SQL: on the
    reservation's path for every short line, where the ORM's compiling cost more CPU than the
    database's work (bench/stock.py)."""
    if not product_ids:
        return
    ids = sorted(product_ids)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        if not locked and connection.features.has_select_for_update:
            cursor.execute(
                f"SELECT id FROM stock_purchaseneed WHERE is_open AND product_id IN ({marks}) "
                "ORDER BY id FOR UPDATE",
                ids,
            )
        cursor.execute(
            "UPDATE stock_purchaseneed SET quantity = COALESCE((SELECT SUM(l.short) "
            "FROM stock_stockline l WHERE l.product_id = stock_purchaseneed.product_id "
            f"AND l.short > 0 AND NOT l.consumed), 0) WHERE is_open AND product_id IN ({marks})",
            ids,
        )


def _purchase_open(*, actor, process, line, now) -> PurchaseNeed:
    """The product's open purchase need, opening its card if there is none. Two shortages of
    one product at once: the one-open-need constraint lets one insert win, the other reads it."""
    product = line.product
    try:
        with transaction.atomic():
            card = card_create(
                actor=actor,
                process=process,
                title=f"Buy {product.sku} {product.name}",
                at=now,
                by_system=True,
            )
            need = PurchaseNeed.objects.create(
                card=card, product=product, warehouse_id=line.warehouse_id
            )
            need.opened = True
            return need
    except IntegrityError:
        return PurchaseNeed.objects.select_related("card").get(product_id=product.pk, is_open=True)


def shortages_to_purchase(
    *, actor, lines: list[StockLine], now: datetime, card: RequestCard | None = None
) -> list[int]:
    """Link each short line's card to its product's open purchase card, opening one where
    there is none, and tell purchasing's executors. Returns the purchase card ids. `card`:
    the order card of every line, when the caller has it (saves reading it)."""
    if not lines:
        return []
    products = {line.product_id: line for line in lines}
    # Read without a lock: the recount at the end locks the needs for its own two statements
    # only, so that shortages of one product at once queue on its need for those alone.
    needs = {
        n.product_id: n
        for n in PurchaseNeed.objects.filter(product_id__in=products, is_open=True).order_by("id")
    }
    opened = []
    process = None
    for product_id, line in products.items():
        if product_id not in needs:
            process = process or _purchasing_process()
            if process is None:
                return []
            need = _purchase_open(actor=actor, process=process, line=line, now=now)
            if getattr(need, "opened", False):
                opened.append(need)
            needs[product_id] = need
    order_cards = {}
    for line in lines:
        order_cards.setdefault(line.card_id, set()).add(line.product_id)
    wanted = {
        (card_id, needs[product_id].card_id)
        for card_id, product_ids in order_cards.items()
        for product_id in product_ids
    }
    # Only the links still missing load their cards (a card that waits again has its link).
    missing = wanted - set(
        CardLink.objects.filter(
            source_id__in=order_cards,
            target_id__in={target for _, target in wanted},
            kind=LINK_KIND,
        ).values_list("source_id", "target_id")
    )
    if missing:
        given = {card.pk: card} if card is not None else {}
        cards = given | RequestCard.objects.in_bulk(
            {pk for pair in missing for pk in pair} - set(given)
        )
        for source_id, target_id in sorted(missing):
            card_link(
                actor=actor,
                source=cards[source_id],
                target=cards[target_id],
                kind=LINK_KIND,
                now=now,
            )
    if opened:
        holders = role_holders(process_ids=[process.pk], kinds=[RoleKind.EXECUTOR])
        users = holders.users(process.pk, RoleKind.EXECUTOR)
        for need in opened:
            notify(
                users=users,
                kind="purchase_opened",
                text=f"Stock short: {need.product.sku} {need.product.name}. "
                f"Purchase card #{need.card_id} opened.",
                url=f"/cards/{need.card_id}/",
                subject=f"card:{need.card_id}",
                key=f"purchase_opened:{need.card_id}",
                zone=process_zone_name(process),
                now=now,
            )
    # Last: from here to the caller's commit the needs stay locked.
    needs_recount(product_ids=set(products))
    return [needs[p].card_id for p in products]


def shortages_queue(*, actor, product_ids) -> None:
    """After the caller's commit (at once outside a transaction), ask a worker to catch up the
    shortages of `product_ids`. A broker that is down costs the request nothing: the error is
    logged and the sweep catches up.

    The reservation calls it only for the products whose stock row it marked
    `catch_up_queued` (under the row's lock): while a catch-up is queued and its worker has
    not cleared the mark, the reservations left short send nothing (a burst of 40 sends one
    message, not 40: each send cost ~1 ms of the request's CPU). Safe: the worker clears the
    mark before it reads the shortages (`shortages_catch_up`), so a reservation that found the
    mark set committed before that read; a lost message leaves the mark set until the
    sweep, which clears it, catches up (a minute at most, as before)."""
    from stock.tasks import shortages_catch_up_task

    ids = sorted(product_ids)
    if not ids:
        return
    actor_id = getattr(actor, "pk", None)

    def send():
        shortages_catch_up_task.apply_async((ids, actor_id), retry=False)

    transaction.on_commit(send, robust=True)


def shortages_catch_up(*, now: datetime, product_ids=None, actor=None) -> list[int]:
    """Every shortage still waiting (of `product_ids`, or of all products): the product's open
    purchase card, opened if there is none, linked to each waiting order card not linked yet,
    its need recounted once, purchasing told of a card opened. Set-wise: a burst of 40
    shortages of one product costs one pass. Idempotent (a message delivered twice, or the
    sweep after the message, finds nothing missing). Returns the purchase card ids.

    First, in a statement of its own (committed at once outside a transaction, so that the
    stock rows are not held during the catch-up), the products' `catch_up_queued` marks are
    cleared: a reservation left short from then on sends a message of its own, and one that
    found the mark set committed before the read below (see shortages_queue)."""
    marks = Stock.objects.filter(catch_up_queued=True)
    if product_ids is not None:
        marks = marks.filter(product_id__in=product_ids)
    marks.update(catch_up_queued=False)
    lines = StockLine.objects.filter(short__gt=0, consumed=False).select_related("product")
    if product_ids is not None:
        lines = lines.filter(product_id__in=product_ids)
    with transaction.atomic():
        return shortages_to_purchase(actor=actor, lines=list(lines.order_by("id")), now=now)


def waiting_notify(*, lines: list[StockLine], now: datetime) -> None:
    """Tell each card's responsible that stock it waited for is now reserved for it."""
    if not lines:
        return
    cards = RequestCard.objects.in_bulk({line.card_id for line in lines})
    for line in lines:
        card = cards[line.card_id]
        if card.responsible_id is None:
            continue
        state = "in full" if line.short == 0 else f"in part ({line.short} still short)"
        notify(
            users=[card.responsible_id],
            kind="stock_filled",
            text=f"Card #{card.pk}: {line.item.product} is now reserved {state}.",
            url=f"/cards/{card.pk}/",
            subject=f"card:{card.pk}",
            zone=process_zone_name(card.process),
            now=now,
        )
