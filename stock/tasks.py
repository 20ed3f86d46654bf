from celery import shared_task
from django.utils import timezone

from stock.services.check import stock_check_record
from stock.services.purchasing import shortages_catch_up


@shared_task
def stock_check() -> int:
    """Nightly: compare counters with the ledger; the health page shows what it found."""
    return stock_check_record(now=timezone.now())


@shared_task(ignore_result=True)
def shortages_catch_up_task(product_ids: list[int], actor_id: int | None = None) -> int:
    """Queued by a reservation left short: the purchase cards of those products' shortages."""
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return len(shortages_catch_up(now=timezone.now(), product_ids=product_ids, actor=actor))


@shared_task(ignore_result=True)
def shortages_sweep() -> int:
    """Every minute: shortages whose catch-up message was lost (broker down) get their purchase
    cards; most runs find nothing missing."""
    return len(shortages_catch_up(now=timezone.now()))
