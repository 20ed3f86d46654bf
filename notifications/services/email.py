"""The e-mails of notifications, sent by a worker (notifications/tasks.py), never in a request.

One e-mail per user over one connection; `emailed_at` marks what the server accepted, so a
retry sends only what is left.
"""

import logging
import smtplib
import unicodedata
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string

from notifications.models import Notification
from opmodel.formatting import times_note

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Opmodel] "
SUBJECT_MAX = 200
# The notifications an e-mail lists; the rest are counted, with a link to the app.
DIGEST_LINES = 20


def subject_line(text: str) -> str:
    """`text` as an e-mail subject: one line whatever a user typed (a newline would break the
    header: Django refuses it), control characters gone, spaces collapsed, length capped."""
    kept = "".join(
        " " if unicodedata.category(char)[0] in "CZ" and char != " " else char for char in text
    )
    return (SUBJECT_PREFIX + " ".join(kept.split()))[:SUBJECT_MAX]


def _subject(total: int, first: Notification) -> str:
    if total == 1:
        return subject_line(first.text)
    return subject_line(f"{total} cards need attention")


def notifications_email_send(*, notification_ids: list[int], now) -> int:
    """E-mail the notifications of `notification_ids` not e-mailed yet; returns how many went.

    One e-mail per user: how many they have, the oldest DIGEST_LINES of them, and a link to the
    rest in the app. Only what is sent is read (a count per user, at most DIGEST_LINES rows per
    user, the users): a cold deadline scan notifies each person of thousands of cards, and
    reading them all back to write a few dozen e-mails was most of its time. Every notification
    of the e-mail is marked e-mailed, listed or counted.

    Tries every recipient; if the server refused any (or could not be reached), raises the last
    error once the others are sent and marked, so the task retries what is left.
    """
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    totals = dict(pending.order_by().values_list("user_id").annotate(n=Count("id")))
    if not totals:
        return 0
    first_lines = defaultdict(list)
    for n in (
        pending.annotate(
            line=Window(RowNumber(), partition_by=F("user_id"), order_by=[F("created_at"), F("id")])
        )
        .filter(line__lte=DIGEST_LINES)
        .only("id", "user_id", "text", "url", "created_at", "zone")
        .order_by("user_id", "created_at", "id")
    ):
        first_lines[n.user_id].append(n)
    users = get_user_model().objects.only("id", "username", "first_name", "last_name", "email")
    site = settings.OPMODEL_SITE_URL.rstrip("/")
    sent, failure = 0, None
    with get_connection() as mail_connection:
        for user in users.filter(pk__in=totals).order_by("id"):
            items, total = first_lines[user.pk], totals[user.pk]
            body = render_to_string(
                "notifications/email.txt",
                {
                    "user": user,
                    "notifications": items,
                    "total": total,
                    "more": total - len(items),
                    "site": site,
                    # The zone of the texts' times, named once in the e-mail.
                    "times_note": times_note({n.zone: () for n in items if n.zone}, now),
                },
            )
            message = EmailMessage(
                subject=_subject(total, items[0]),
                body=body,
                to=[user.email],
                connection=mail_connection,
            )
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                logger.warning("Could not e-mail notifications to user %s: %s", user.pk, exc)
                failure = exc
                continue
            pending.filter(user_id=user.pk).update(emailed_at=now, email_to_send=False)
            sent += total
    if failure is not None:
        raise failure
    return sent
