from celery import shared_task
from django.utils import timezone

from stock.services.check import stock_check_record


@shared_task
def stock_check() -> int:
    """Nightly: compare counters with the ledger; the health page shows what it found."""
    return stock_check_record(now=timezone.now())
