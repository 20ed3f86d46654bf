"""Actions of the metrics app: heartbeats, alerts and the notifications they make.

Each action is one function with keyword-only arguments, in one transaction; e-mail goes out
only after the transaction commits (`transaction.on_commit`), so a rolled-back scan never
mails anyone.
"""

import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from metrics.models import Alert, AlertLevel, Notification, WorkerHeartbeat
from metrics.signals import weekly_snapshot_written
from processes.models import RequestCard, Status
from roles.models import NotificationPreference, ProcessRole, RoleKind

logger = logging.getLogger(__name__)

# Heartbeat names the health page reads.
# Alerts of the whole-process target clock carry this visit number (status visits start at 1).
TARGET_VISIT = 0
HEARTBEAT_WORKER = "worker"
HEARTBEAT_DEADLINE_SCAN = "deadline_scan"

# Who hears of an alert, besides the card's responsible person (DESIGN.md, "Alert").
ALERT_ROLE_KINDS = {
    AlertLevel.AT_RISK: {RoleKind.EXECUTOR, RoleKind.ACCOUNTABLE},
    AlertLevel.BREACHED: {RoleKind.EXECUTOR, RoleKind.ACCOUNTABLE, RoleKind.ESCALATION},
}


def heartbeat_record(*, name: str) -> WorkerHeartbeat:
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now()}
    )
    return beat


# ---------------------------------------------------------------------------------------------
# Alerts


def alerts_raise(*, candidates: list[dict], now: datetime) -> list[Alert]:
    """Raise the alerts of `candidates` ({card_id, status, visit, level, due_at} each) and notify.

    Returns the alerts this call notified: none when another call (a task delivered twice, a
    second beat, a concurrent worker) already did. A fixed number of queries per call; callers
    with very many cards pass them in chunks (a few thousand) to bound memory.
    """
    if not candidates:
        return []
    with transaction.atomic():
        # The unique key (card, visit, level) decides: an alert that exists is left alone.
        Alert.objects.bulk_create(
            [
                Alert(
                    card_id=c["card_id"],
                    status=c["status"],
                    visit=c["visit"],
                    level=c["level"],
                    due_at=c["due_at"],
                    raised_at=now,
                )
                for c in candidates
            ],
            ignore_conflicts=True,
        )
        claimed_ids = _alerts_claim(card_ids={c["card_id"] for c in candidates}, now=now)
        if not claimed_ids:
            return []
        alerts = list(Alert.objects.filter(pk__in=claimed_ids).order_by("id"))
        alerts_notify(alerts=alerts, now=now)
    return alerts


def _alerts_claim(*, card_ids: set[int], now: datetime) -> list[int]:
    """Mark the cards' alerts not yet notified as notified, and return the ids this call marked.

    One conditional UPDATE is the claim: of two workers, only the one whose UPDATE changed a
    row notifies for it (PostgreSQL re-checks `notified_at IS NULL` after waiting for the
    other's lock; SQLite runs one writer at a time). RETURNING (PostgreSQL, SQLite 3.35+) tells
    which rows were ours, which a row count cannot. Alerts of these cards left un-notified by
    another writer are claimed too: that is how nothing is lost.
    """
    table = connection.ops.quote_name(Alert._meta.db_table)
    placeholders = ", ".join(["%s"] * len(card_ids))
    sql = (
        f"UPDATE {table} SET notified_at = %s "
        f"WHERE notified_at IS NULL AND card_id IN ({placeholders}) RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), *sorted(card_ids)])
        return [row[0] for row in cursor.fetchall()]


def role_holders(*, process_ids: set[int], kinds: set[str]) -> dict[tuple[int, str], set[int]]:
    """{(process id, role kind): user ids}, granted directly or through a group, in one query."""
    holders: dict[tuple[int, str], set[int]] = defaultdict(set)
    grants = ProcessRole.objects.filter(process_id__in=process_ids, kind__in=kinds).values_list(
        "process_id", "kind", "user_id", "group__user__id"
    )
    for process_id, kind, user_id, member_id in grants:
        for holder in (user_id, member_id):
            if holder is not None:
                holders[(process_id, kind)].add(holder)
    return holders


def _alert_text(alert: Alert, card: RequestCard, status_name: str) -> str:
    due = timezone.localtime(alert.due_at).strftime("%Y-%m-%d %H:%M %Z")
    if alert.visit == TARGET_VISIT:
        status_name = "whole-process target"
    if alert.level == AlertLevel.BREACHED:
        return f"Breached: #{card.pk} {card.title} ({status_name}) was due {due}."
    return f"At risk: #{card.pk} {card.title} ({status_name}) is due {due}."


def alerts_notify(*, alerts: Iterable[Alert], now: datetime) -> list[Notification]:
    """Write the in-app notifications of claimed alerts and queue one e-mail per recipient.

    Recipients: the executor and accountable of the card's process (at risk), also its
    escalation role (breached), and the card's responsible person; active users only, each once
    per alert. Call it only with alerts this caller claimed (see `alerts_raise`): the unique
    (user, alert) key refuses a second notification. A fixed number of queries.
    """
    alerts = list(alerts)
    if not alerts:
        return []
    with transaction.atomic():
        cards = RequestCard.objects.in_bulk({a.card_id for a in alerts})
        process_ids = {card.process_id for card in cards.values()}
        status_names = {
            (s.process_id, s.slug): s.name
            for s in Status.objects.filter(process_id__in=process_ids).only(
                "process_id", "slug", "name"
            )
        }
        kinds = set().union(*(ALERT_ROLE_KINDS[a.level] for a in alerts))
        holders = role_holders(process_ids=process_ids, kinds=kinds)

        wanted: dict[int, set[int]] = {}
        for alert in alerts:
            card = cards[alert.card_id]
            ids = {card.responsible_id} if card.responsible_id else set()
            for kind in ALERT_ROLE_KINDS[alert.level]:
                ids |= holders.get((card.process_id, kind), set())
            wanted[alert.pk] = ids
        users = {
            user.pk: user
            for user in get_user_model()
            .objects.filter(pk__in=set().union(*wanted.values()), is_active=True)
            .select_related("notification_preference")
        }

        notifications = []
        for alert in alerts:
            card = cards[alert.card_id]
            text = _alert_text(
                alert, card, status_names.get((card.process_id, alert.status), alert.status)
            )
            notifications.extend(
                Notification(user_id=uid, alert=alert, card=card, text=text, created_at=now)
                for uid in sorted(wanted[alert.pk])
                if uid in users
            )
        notifications_deliver(notifications=notifications, users=users, now=now)
    return notifications


def notifications_deliver(*, notifications: list[Notification], users: dict, now: datetime):
    """Write in-app notifications and, after the commit, e-mail each recipient once, unless
    they turned e-mail off. `users` maps ids to users loaded with `notification_preference`.
    One query, whatever the number of notifications; call it inside the caller's transaction
    (no savepoint of its own, so callers' query counts stay as they are)."""
    Notification.objects.bulk_create(notifications)
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        user = users[notification.user_id]
        if user.email and _email_enabled(user):
            by_user[user.pk].append(notification)
    if by_user:
        mails = [(users[uid], items) for uid, items in by_user.items()]
        transaction.on_commit(partial(_alert_emails_send, mails=mails, now=now))
    return notifications


def _email_enabled(user) -> bool:
    try:
        return user.notification_preference.email_enabled
    except NotificationPreference.DoesNotExist:
        return True


def _alert_emails_send(*, mails: list[tuple], now: datetime) -> None:
    """One e-mail per recipient over one connection; `emailed_at` marks what was handed over.

    Runs after the commit: a failure here leaves the notifications in the app and their
    `emailed_at` empty, and never undoes the alert.
    """
    site = settings.OPMODEL_SITE_URL.rstrip("/")
    sent: list[int] = []
    try:
        with get_connection() as mail_connection:
            for user, items in mails:
                body = render_to_string(
                    "metrics/alert_email.txt",
                    {"user": user, "notifications": items, "site": site},
                )
                subject = (
                    f"[Opmodel] {items[0].text}"
                    if len(items) == 1
                    else f"[Opmodel] {len(items)} cards need attention"
                )
                message = EmailMessage(
                    subject=subject[:200], body=body, to=[user.email], connection=mail_connection
                )
                try:
                    message.send()
                except (smtplib.SMTPException, OSError):
                    logger.exception("Could not e-mail alerts to user %s", user.pk)
                    continue
                sent.extend(n.pk for n in items)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not open the e-mail connection for alerts")
    if sent:
        Notification.objects.filter(pk__in=sent).update(emailed_at=now)


# ---------------------------------------------------------------------------------------------
# The inbox


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read. Anyone else's does not exist for them."""
    now = timezone.now()
    with transaction.atomic():
        mine = Notification.objects.filter(pk=notification_id, user=user)
        mine.filter(read_at__isnull=True).update(read_at=now)
        notification = mine.select_related("alert", "card").first()
    if notification is None:
        raise Notification.DoesNotExist("No such notification.")
    return notification


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


# ---------------------------------------------------------------------------------------------
# Weekly flow snapshots

# Dicts in the figures whose keys are a dimension (a channel, a status), not a metric name.
_DIMENSION_KEYS = {"by_channel", "by_status", "aging_wip", "time_in_status"}


def _figure_rows(figures: dict) -> dict[tuple[str, str], float | None]:
    """The snapshot's numbers in long form: {(metric path, dimension): value}. Lists of sample
    points, labels and the day-by-day cumulative flow stay in the JSON only."""
    rows: dict[tuple[str, str], float | None] = {}

    def walk(path: str, value, dimension: str) -> None:
        if isinstance(value, bool) or isinstance(value, str):
            return
        if value is None or isinstance(value, int | float):
            rows[(path, dimension)] = None if value is None else float(value)
        elif isinstance(value, dict):
            last = path.rsplit(".", 1)[-1]
            for key, item in value.items():
                if last in _DIMENSION_KEYS and not dimension:
                    walk(path, item, key)
                else:
                    walk(f"{path}.{key}" if path else key, item, dimension)
        elif isinstance(value, list) and path == "blocked.reasons":
            for reason in value:
                walk(path, {"cards": reason["cards"], "days": reason["days"]}, reason["reason"])

    skip = {"labels", "cumulative_flow", "process", "week", "week_start", "week_end", "as_of"}
    walk("", {k: v for k, v in figures.items() if k not in skip}, "")
    return rows


def weekly_snapshot_compute(*, process_id: int, week: str, now: datetime | None = None):
    """Compute one week's figures and replace that week's snapshot and rows, in one transaction.

    Idempotent: recomputing a week updates the same rows in place (the same ids), and removes
    rows a figure no longer has. Two workers at once serialize on the snapshot row.
    """
    from metrics.flow import weekly_flow_metrics
    from metrics.models import WeeklyFigure, WeeklySnapshot
    from processes.models import Process

    process = Process.objects.get(pk=process_id)
    now = now or timezone.now()
    figures = weekly_flow_metrics(process=process, week=week, now=now)
    rows = _figure_rows(figures)
    with transaction.atomic():
        snapshot, _ = WeeklySnapshot.objects.update_or_create(
            process=process,
            week=week,
            defaults={
                "week_start": datetime.fromisoformat(figures["week_start"]),
                "week_end": datetime.fromisoformat(figures["week_end"]),
                "as_of": datetime.fromisoformat(figures["as_of"]),
                "complete": figures["complete"],
                "computed_at": now,
                "figures": figures,
            },
        )
        WeeklyFigure.objects.bulk_create(
            [
                WeeklyFigure(snapshot=snapshot, metric=metric, dimension=dimension, value=value)
                for (metric, dimension), value in rows.items()
            ],
            update_conflicts=True,
            unique_fields=["snapshot", "metric", "dimension"],
            update_fields=["value"],
        )
        stale = [
            pk
            for pk, metric, dimension in WeeklyFigure.objects.filter(snapshot=snapshot).values_list(
                "pk", "metric", "dimension"
            )
            if (metric, dimension) not in rows
        ]
        if stale:
            WeeklyFigure.objects.filter(pk__in=stale).delete()
        transaction.on_commit(
            partial(weekly_snapshot_written.send, WeeklySnapshot, process_id=process.pk, week=week)
        )
    return snapshot


def _measurable_processes():
    """Active processes that have statuses (a process being set up has nothing to measure)."""
    from processes.models import Process

    return (
        Process.objects.filter(is_active=True, statuses__isnull=False)
        .distinct()
        .select_related("calendar")
    )


def weekly_snapshots_current(*, now: datetime | None = None) -> list[str]:
    """Refresh the week in progress of every active process (beat, every 15 minutes)."""
    from metrics.flow import week_of

    now = now or timezone.now()
    done = []
    for process in _measurable_processes():
        week = week_of(process, now)
        weekly_snapshot_compute(process_id=process.pk, week=week, now=now)
        done.append(f"{process.slug} {week}")
    return done


def weekly_snapshots_catch_up(*, now: datetime | None = None, weeks: int = 12) -> list[str]:
    """Compute the complete weeks among the last `weeks` of every active process that have no
    snapshot taken after the week ended (beat, hourly): the week that just ended, and any week
    missed while the workers were down. A week already complete is left alone, so running this
    twice does nothing the second time."""
    from metrics.flow import week_of, week_shift
    from metrics.models import WeeklySnapshot

    now = now or timezone.now()
    processes = list(_measurable_processes())
    done_already = set(
        WeeklySnapshot.objects.filter(
            process__in=processes, complete=True, week_start__gte=now - timedelta(weeks=weeks + 1)
        ).values_list("process_id", "week")
    )
    done = []
    for process in processes:
        current = week_of(process, now)
        for back in range(weeks, 0, -1):
            week = week_shift(current, -back)
            if (process.pk, week) not in done_already:
                weekly_snapshot_compute(process_id=process.pk, week=week, now=now)
                done.append(f"{process.slug} {week}")
    return done
