import smtplib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from notifications.services.email import notifications_email_send

# A mail server that is down or refuses: retried with exponential backoff (with jitter) from
# OPMODEL_EMAIL_RETRY_SECONDS up to ten minutes apart, about an hour and a half in all by
# default. The notifications stay in the app whatever happens to their e-mail.
EMAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": settings.OPMODEL_EMAIL_RETRY_SECONDS,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 12,
}


@shared_task(name="notifications.tasks.email_send", **EMAIL_RETRY)
def email_send_task(notification_ids: list[int]) -> int:
    """E-mail these notifications (those not e-mailed yet); returns how many went."""
    return notifications_email_send(notification_ids=notification_ids, now=timezone.now())


@shared_task(name="notifications.tasks.emails_never_queued_send")
def emails_never_queued_send_task() -> int:
    """The sweep (beat, every minute): e-mails that could not be queued while the broker was
    down, sent once it is back."""
    from notifications.services import emails_never_queued_send

    return emails_never_queued_send(now=timezone.now())
