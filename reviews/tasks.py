from datetime import datetime

from celery import shared_task
from django.utils import timezone

from reviews.services.decisions import decisions_overdue_notify


@shared_task(
    name="reviews.tasks.decisions_overdue_notify",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def decisions_overdue_notify_task(now: str | None = None) -> int:
    """Run by beat hourly: tell owners of decisions past their due date, once each."""
    return decisions_overdue_notify(now=datetime.fromisoformat(now) if now else timezone.now())
