"""The e-mails of notifications, sent by a worker (notifications/tasks.py), never in a request.

One e-mail per user over one connection; `emailed_at` marks what the server accepted, so a
retry sends only what is left.
"""

import logging
import smtplib
import unicodedata
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

from notifications.models import Notification
from opmodel.formatting import times_note

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Opmodel] "
SUBJECT_MAX = 200


def subject_line(text: str) -> str:
    """`text` as an e-mail subject: one line whatever a user typed (a newline would break the
    header: Django refuses it), control characters gone, spaces collapsed, length capped."""
    kept = "".join(
        " " if unicodedata.category(char)[0] in "CZ" and char != " " else char for char in text
    )
    return (SUBJECT_PREFIX + " ".join(kept.split()))[:SUBJECT_MAX]


def _subject(items: list[Notification]) -> str:
    if len(items) == 1:
        return subject_line(items[0].text)
    return subject_line(f"{len(items)} cards need attention")


def notifications_email_send(*, notification_ids: list[int], now) -> int:
    """E-mail the notifications of `notification_ids` not e-mailed yet; returns how many went.

    Tries every recipient; if the server refused any (or could not be reached), raises the last
    error once the others are sent and marked, so the task retries what is left.
    """
    pending = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    )
    if not pending:
        return 0
    site = settings.OPMODEL_SITE_URL.rstrip("/")
    sent, failure = 0, None
    with get_connection() as mail_connection:
        for _, group in groupby(pending, key=lambda n: n.user_id):
            items = list(group)
            user = items[0].user
            context = {
                "user": user,
                "notifications": items,
                "site": site,
                # The zone of the texts' times, named once in the e-mail.
                "times_note": times_note({n.zone: () for n in items if n.zone}, now),
            }
            body = render_to_string("notifications/email.txt", context)
            message = EmailMessage(
                subject=_subject(items), body=body, to=[user.email], connection=mail_connection
            )
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                logger.warning("Could not e-mail notifications to user %s: %s", user.pk, exc)
                failure = exc
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                emailed_at=now, email_to_send=False
            )
            sent += len(items)
    if failure is not None:
        raise failure
    return sent
