"""Delivery of notifications, and the inbox's actions.

Any app tells people something through `notify` (one message) or `notify_many` (a batch): the
in-app rows are written in the caller's transaction, and the e-mails leave through a Celery
task queued when it commits. A request never talks to the mail server, and a mail failure
loses nothing: the rows stay, and the task retries the e-mails (notifications/tasks.py).
"""

import logging
import smtplib
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.constants import OnConflict
from django.db.models.functions import Coalesce
from django.utils import timezone

from notifications.models import Notification, NotificationPreference
from notifications.tasks import email_send_task

logger = logging.getLogger(__name__)

# How long a freshly written row is left to the on_commit queuing it before the sweep takes it.
EMAIL_QUEUE_GRACE = timedelta(minutes=1)

# Set inside `emails_withheld()`: notifications are written, no e-mail is wanted.
_emails_withheld: ContextVar[bool] = ContextVar("opmodel_emails_withheld", default=False)


@contextmanager
def emails_withheld() -> Iterator[None]:
    """Within the block, notifications are written to the inbox but not e-mailed: a demo's
    seeded history is not news to mail (scripts/run's seeds would otherwise queue hundreds of
    e-mails on the embedded broker, ahead of the first deadline scan)."""
    token = _emails_withheld.set(True)
    try:
        yield
    finally:
        _emails_withheld.reset(token)


@dataclass(frozen=True)
class Message:
    """One piece of news for several users (see Notification for the fields)."""

    user_ids: Collection[int]
    kind: str
    text: str
    url: str = ""
    subject: str = ""
    key: str = ""
    data: dict = field(default_factory=dict)
    asks_action: bool = False
    informational: bool = False
    # The IANA zone of its process: the zone the text's times are written in, named once by
    # the e-mail and the inbox page (which may not ask processes for it).
    zone: str = ""


def notify(
    *,
    users: Iterable,
    kind: str,
    text: str,
    url: str = "",
    subject: str = "",
    key: str = "",
    data: dict | None = None,
    asks_action: bool = False,
    informational: bool = False,
    zone: str = "",
    now: datetime,
) -> list[Notification]:
    """Tell `users` (users or their ids) one thing; see `notify_many`."""
    ids = {getattr(user, "pk", user) for user in users}
    message = Message(
        ids, kind, text, url, subject, key, data or {}, asks_action, informational, zone
    )
    return notify_many(messages=[message], now=now)


def notify_many(*, messages: Iterable[Message], now: datetime) -> list[Notification]:
    """Write the messages' in-app notifications for their active users, and queue one e-mail
    per user who has an address and has not turned e-mail off, sent after the commit.

    A message with a `key` reaches a user once: a key the user already has is skipped, here or
    in the database, and is not e-mailed again. Returns the notifications written. Two queries
    (the users, one INSERT per few thousand rows), in the caller's transaction: no savepoint of
    its own, so callers' query counts stay as they are.
    """
    messages = list(messages)
    wanted = set().union(*(m.user_ids for m in messages)) if messages else set()
    if not wanted:
        return []
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=wanted, is_active=True)
        .select_related("notification_preference")
    }
    rows, keyed = [], set()
    for message in messages:
        for user_id in sorted(message.user_ids):
            if user_id not in users or (message.key and (user_id, message.key) in keyed):
                continue
            if message.key:
                keyed.add((user_id, message.key))
            rows.append(
                Notification(
                    user_id=user_id,
                    kind=message.kind,
                    text=message.text[:500],
                    url=message.url,
                    subject=message.subject,
                    key=message.key,
                    data=message.data,
                    asks_action=message.asks_action,
                    informational=message.informational,
                    zone=message.zone,
                    created_at=now,
                    email_to_send=not _emails_withheld.get() and _email_wanted(users[user_id]),
                )
            )
    written = _insert_new(rows)
    to_mail = [n.pk for n in written if n.email_to_send]
    if to_mail:
        # robust: the rows are committed whatever happens to the broker; a broker that is down
        # is logged, not shown to the person whose click made the notification, and the rows
        # stay "to send" for the sweep (emails_never_queued_send).
        # (A named function, not a partial: Django names the callback when it logs a failure.)
        def queue_emails() -> None:
            email_queue(notification_ids=to_mail)

        transaction.on_commit(queue_emails, robust=True)
    return written


def _email_wanted(user) -> bool:
    if not user.email:
        return False
    try:
        return user.notification_preference.email_enabled
    except NotificationPreference.DoesNotExist:
        return True


def email_queue(*, notification_ids: list[int]) -> None:
    """Hand the e-mails of these notifications to the workers, then mark them handed over.

    Called in a request: no retry (kombu would retry a publish for seconds), and the broker's
    connect timeout is short (settings), so an unreachable broker costs a fraction of a second;
    the error goes up to the robust on_commit, which logs it, and the rows stay "to send"."""
    email_send_task.apply_async((notification_ids,), retry=False)
    Notification.objects.filter(pk__in=notification_ids, email_to_send=True).update(
        email_to_send=False
    )


def emails_never_queued_send(*, now: datetime, limit: int = 500) -> int:
    """Send the e-mails that could not be queued (the broker was down when they were written):
    called by the periodic sweep, in a worker. Rows written in the last minute are left to the
    on_commit that is queuing them right now. The rows are claimed under a row lock (skipped by
    a second sweep) and e-mailed here; each goes once: sending marks it e-mailed and no longer
    to send, and the send task itself skips rows already e-mailed. Returns how many went."""
    from notifications.services.email import notifications_email_send

    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                email_to_send=True,
                emailed_at__isnull=True,
                created_at__lte=now - EMAIL_QUEUE_GRACE,
            )
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        try:
            return notifications_email_send(notification_ids=ids, now=now)
        except (smtplib.SMTPException, OSError) as exc:
            # Caught inside the transaction: what went stays marked e-mailed; the rest stays
            # "to send" for the next sweep.
            logger.warning("The sweep could not e-mail every notification: %s", exc)
            return 0


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """Insert the rows but those whose (user, key) exists already; return the rows written,
    with their ids.

    One `INSERT .. ON CONFLICT DO NOTHING RETURNING` per batch, through the manager's
    `_insert` (what `bulk_create` runs): `bulk_create(ignore_conflicts=True)` skips the
    duplicates too but sets no ids, so it cannot tell which rows were written, and a SELECT to
    find out would cost every caller a query. RETURNING gives back only the rows inserted
    (PostgreSQL; SQLite 3.35+).
    """
    if not rows:
        return []
    using = router.db_for_write(Notification)
    connection = connections[using]
    opts = Notification._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    returning = [opts.pk, opts.get_field("user"), opts.get_field("key")]
    batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
    written = []
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        returned = Notification._base_manager._insert(
            chunk,
            fields=fields,
            returning_fields=returning,
            using=using,
            on_conflict=OnConflict.IGNORE,
        )
        by_key = {(row.user_id, row.key): row for row in chunk if row.key}
        # Rows without a key never conflict: they come back all, in the order sent.
        unkeyed = iter(row for row in chunk if not row.key)
        for pk, user_id, key in returned:
            row = by_key[(user_id, key)] if key else next(unkeyed)
            row.pk = pk
            row._state.adding, row._state.db = False, using
            written.append(row)
    return written


# ---------------------------------------------------------------------------------------------
# The inbox


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read, with the earlier ones about the same subject
    (the inbox shows them as one line). Anyone else's does not exist for them."""
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.filter(pk=notification_id, user=user).first()
        if notification is None:
            raise Notification.DoesNotExist("No such notification.")
        same_line = Q(pk=notification.pk)
        if notification.subject:
            same_line |= Q(subject=notification.subject, created_at__lte=notification.created_at)
        Notification.objects.filter(same_line, user=user, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_subject_read(*, user, subject: str, now: datetime) -> int:
    """Mark read the user's unread notifications about `subject` (its page was opened).
    One UPDATE, no savepoint: the page's query count stays fixed."""
    return Notification.objects.filter(user=user, subject=subject, read_at__isnull=True).update(
        read_at=now
    )


def notifications_resolve(*, subject: str, data: dict, now: datetime) -> int:
    """Mark read, for everyone, the unread notifications about `subject` whose data holds
    `data`: news whose cause has passed, e.g. an "at risk" alert that its sender marked
    `{"clears_on_move": True}`, once the card has left that status. One UPDATE."""
    rows, values = notifications_resolving(subject=subject, data=data, now=now)
    return rows.update(**values)


def notifications_resolving(
    *, subject: str, data: dict, now: datetime
) -> tuple[QuerySet[Notification], dict]:
    """The UPDATE of `notifications_resolve` unsent, as (rows, values) for
    `rows.update(**values)`: a caller may send it with its own write in one statement
    (`opmodel.combined_writes`)."""
    rows = Notification.objects.filter(
        subject=subject,
        read_at__isnull=True,
        **{f"data__{key}": value for key, value in data.items()},
    )
    return rows, {"read_at": now}


def notifications_acted(*, keys: Collection[str], now: datetime) -> int:
    """What the notifications with these keys asked for was done (an approval decided, a
    decision closed): for everyone they reached, they are read and leave the inbox's open
    requests. One UPDATE, no savepoint."""
    return Notification.objects.filter(key__in=list(keys), asks_action=True, acted_at=None).update(
        acted_at=now, read_at=Coalesce("read_at", Value(now))
    )


def notifications_mark_all_read(*, user) -> int:
    """Mark all the user's unread notifications read; returns how many changed."""
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notification_preference_set(*, user, email_enabled: bool) -> NotificationPreference:
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.update_or_create(
            user=user, defaults={"email_enabled": email_enabled}
        )
    return preference
