"""Alerts: raise them once per card, status visit and level, claim them, and notify.

Each action is one function with keyword-only arguments, in one transaction. The people are
told through `notifications`: in the app at once, by e-mail from a worker after the commit, so
a rolled-back scan never mails anyone.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.urls import reverse

from metrics.models import Alert, AlertLevel
from notifications.models import Notification
from notifications.services import Message, notify_many
from opmodel.claims import claim
from opmodel.formatting import moment_text
from processes.definition import process_zone_name
from processes.models import RequestCard, Status
from roles.models import InformedEvent, RoleKind
from roles.selectors import role_holders

# Alerts of the whole-process target clock carry this visit number (status visits start at 1).
TARGET_VISIT = 0

# Who hears of a breach, besides the card's responsible person (docs/design.md, "Vocabulary":
# Alert). A card at risk is its responsible person's to save (the accountable's when it has
# none); the escalation role hears of it when nobody can: the card is blocked or has no one
# responsible.
BREACH_ROLE_KINDS = {RoleKind.EXECUTOR, RoleKind.ACCOUNTABLE, RoleKind.ESCALATION}
# The event of each level that informed grants can name (roles.models.InformedEvent).
INFORMED_EVENTS = {
    AlertLevel.AT_RISK: InformedEvent.AT_RISK,
    AlertLevel.BREACHED: InformedEvent.BREACHED,
}

# The notifications' kind, and the key that makes each alert reach a user once.
NOTIFICATION_KIND = "alert"


def alert_key(alert_id: int) -> str:
    return f"alert:{alert_id}"


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
    """Mark the cards' alerts not yet notified as notified, and return the ids this call marked
    (opmodel.claims: of two workers, only one notifies for a row). Alerts of these cards left
    un-notified by another writer are claimed too: that is how nothing is lost.
    """
    rows = Alert.objects.filter(card_id__in=sorted(card_ids))
    return claim(rows, stamp="notified_at", at=now)


def _alert_text(alert: Alert, card: RequestCard, status_name: str, zone: str) -> str:
    # In the process's zone, which the e-mail and the inbox name once (Notification.zone).
    due = moment_text(alert.due_at, zone)
    if alert.visit == TARGET_VISIT:
        status_name = "whole-process target"
    if alert.level == AlertLevel.BREACHED:
        return f"Breached: #{card.pk} {card.title} ({status_name}) was due {due}."
    return f"At risk: #{card.pk} {card.title} ({status_name}) is due {due}."


def _alert_message(alert: Alert, card: RequestCard, status_name: str, user_ids) -> Message:
    zone = process_zone_name(card.process)
    return Message(
        user_ids=user_ids,
        kind=NOTIFICATION_KIND,
        text=_alert_text(alert, card, status_name, zone),
        zone=zone,
        url=reverse("card-detail", args=[card.pk]),
        subject=f"card:{card.pk}",
        key=alert_key(alert.pk),
        # What /api/alerts/ shows besides the text (notifications.api.serializers).
        data={
            "card": card.pk,
            "card_title": card.title,
            "level": alert.level,
            "level_label": AlertLevel(alert.level).label,
            "status": alert.status,
            "due_at": alert.due_at.isoformat(),
            "raised_at": alert.raised_at.isoformat(),
            # An "at risk" warning of a status is moot once the card leaves the status (the
            # transition service marks it read); a breach, or the whole-process target, stays.
            "clears_on_move": alert.level == AlertLevel.AT_RISK and alert.visit != TARGET_VISIT,
        },
    )


def _recipients(alert: Alert, card: RequestCard, holders) -> set[int]:
    ids = {card.responsible_id} if card.responsible_id else set()
    if alert.level == AlertLevel.BREACHED:
        for kind in BREACH_ROLE_KINDS:
            ids |= holders.users(card.process_id, kind)
        return ids
    if not ids:
        ids = holders.users(card.process_id, RoleKind.ACCOUNTABLE)
    if card.is_blocked or not card.responsible_id:
        ids |= holders.users(card.process_id, RoleKind.ESCALATION)
    return ids


def alerts_notify(*, alerts: Iterable[Alert], now: datetime) -> list[Notification]:
    """Tell of claimed alerts in the app, and by e-mail after the commit.

    Recipients: at risk, the card's responsible person, else the process's accountable, and
    its escalation role when the card is blocked or has nobody responsible; breached, the
    responsible person and the executor, accountable and escalation roles. Informed grants
    that name the level's event hear too. Active users only, each once per alert. Call it only
    with alerts this caller claimed (see `alerts_raise`): the key `alert:<id>` refuses a second
    notification. A fixed number of queries.
    """
    alerts = list(alerts)
    if not alerts:
        return []
    with transaction.atomic():
        cards = RequestCard.objects.select_related("process__calendar").in_bulk(
            {a.card_id for a in alerts}
        )
        process_ids = {card.process_id for card in cards.values()}
        status_names = {
            (s.process_id, s.slug): s.name
            for s in Status.objects.filter(process_id__in=process_ids).only(
                "process_id", "slug", "name"
            )
        }
        holders = role_holders(
            process_ids=process_ids, kinds={*BREACH_ROLE_KINDS, RoleKind.INFORMED}
        )

        messages = []
        for alert in alerts:
            card = cards[alert.card_id]
            ids = _recipients(alert, card, holders)
            ids |= holders.informed(card.process_id, INFORMED_EVENTS[alert.level])
            status_name = status_names.get((card.process_id, alert.status), alert.status)
            messages.append(_alert_message(alert, card, status_name, ids))
        return notify_many(messages=messages, now=now)
