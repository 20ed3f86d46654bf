from datetime import datetime

from celery import shared_task
from django.utils import timezone

from goals.services import checkins_overdue_notify


@shared_task(
    name="goals.tasks.checkins_overdue_notify",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def checkins_overdue_notify_task(now: str | None = None) -> int:
    """Run by beat hourly: remind goal owners of overdue check-ins, once per overdue spell."""
    return checkins_overdue_notify(now=datetime.fromisoformat(now) if now else timezone.now())
