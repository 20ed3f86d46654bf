from datetime import datetime

from stock.models import StockCheckRun
from stock.selectors import stock_mismatches


def stock_check_record(*, now: datetime) -> int:
    """Compare the counters with the ledger and keep the result for the health page."""
    found = stock_mismatches()
    StockCheckRun.objects.create(checked_at=now, mismatches=found)
    StockCheckRun.objects.filter(checked_at__lt=now).exclude(
        pk__in=StockCheckRun.objects.order_by("-checked_at", "-id").values("pk")[:30]
    ).delete()
    return len(found)


def stock_health() -> dict:
    last = StockCheckRun.objects.order_by("-checked_at", "-id").first()
    if last is None:
        return {"status": "ok", "last_checked": None}
    answer = {"status": "ok", "last_checked": last.checked_at.isoformat()}
    if last.mismatches:
        answer.update(status="warning", mismatches=last.mismatches)
    return answer
