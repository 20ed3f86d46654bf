"""The promise-risk scan: a promised card whose expected date has passed its promised date is
at risk; its responsible person and the process's accountable hear of it once per spell, and a
spell ends when the card is back on track (docs/design.md, "Vocabulary": Promise).

The claim is the card's `promise_risk_since` (opmodel.claims, the deadline scan's pattern):
setting it where it is empty starts a spell and says which worker tells of it; emptying it where
it is set ends the spell. Each start and end is an event of the card (`promise_at_risk`,
`promise_on_track`), so the weekly "promises at risk" is recounted from the history. Run by beat
with the deadline scan, on the alerts queue.
"""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import Message, notify_many
from opmodel.claims import claim, release
from processes.models import Event, EventKind, Process, RequestCard
from processes.promises import AT_RISK, promises_for
from processes.services.events import event_record
from roles.models import RoleKind
from roles.selectors import role_holders

NOTIFICATION_KIND = "promise"
SCAN_FIELDS = (
    "id",
    "process_id",
    "title",
    "status",
    "status_changed_at",
    "promised_on",
    "shipped_on",
    "promise_risk_since",
    "responsible_id",
)


def _waiting(process) -> "RequestCard.objects":
    # The partial index card_promise_waiting: promised, not shipped.
    return (
        RequestCard.objects.filter(
            process_id=process.pk, promised_on__isnull=False, shipped_on__isnull=True
        )
        .open()
        .only(*SCAN_FIELDS)
        .order_by("id")
    )


def promise_risk_scan(*, now: datetime | None = None, batch_size: int = 2000) -> dict:
    """Start and end the spells at risk that are due; returns {"at_risk": n, "on_track": n}
    told by this run. A fixed number of queries per batch of cards."""
    now = now or timezone.now()
    told = {"at_risk": 0, "on_track": 0}
    for process in Process.objects.filter(is_active=True).select_related("calendar"):
        last = 0
        while True:
            cards = list(_waiting(process).filter(id__gt=last)[:batch_size])
            if not cards:
                break
            last = cards[-1].pk
            started, ended = _scan_batch(process, cards, now)
            told["at_risk"] += started
            told["on_track"] += ended
            if len(cards) < batch_size:
                break
    return told


def _scan_batch(process, cards: list[RequestCard], now: datetime) -> tuple[int, int]:
    promises = promises_for(cards, now=now, process=process)
    risky = [c.pk for c in cards if promises[c.pk].state == AT_RISK]
    calm = [c.pk for c in cards if c.promise_risk_since and promises[c.pk].state != AT_RISK]
    by_id = {card.pk: card for card in cards}
    with transaction.atomic():
        started = claim(
            RequestCard.objects.filter(pk__in=risky), stamp="promise_risk_since", at=now
        )
        ended = release(RequestCard.objects.filter(pk__in=calm), stamp="promise_risk_since")
        spells = [_event(by_id[pk], EventKind.PROMISE_AT_RISK, promises[pk], now) for pk in started]
        ends = [_event(by_id[pk], EventKind.PROMISE_ON_TRACK, promises[pk], now) for pk in ended]
        Event.objects.bulk_create(spells + ends)
        if spells:
            _tell(process, spells, promises, now)
    return len(started), len(ended)


def _event(card, kind, promise, now) -> Event:
    return event_record(
        card=card,
        kind=kind,
        actor=None,
        at=now,
        data={
            "promised_on": promise.promised_on.isoformat(),
            "expected_on": promise.expected_on.isoformat() if promise.expected_on else "",
        },
    )


def _tell(process, spells: list[Event], promises, now: datetime) -> None:
    """The responsible person and the accountable, once per spell (the key names the spell's
    event)."""
    accountable = role_holders(process_ids={process.pk}, kinds={RoleKind.ACCOUNTABLE}).users(
        process.pk, RoleKind.ACCOUNTABLE
    )
    messages = []
    for spell in spells:
        card = spell.card
        promise = promises[card.pk]
        ids = set(accountable) | ({card.responsible_id} if card.responsible_id else set())
        messages.append(
            Message(
                user_ids=ids,
                kind=NOTIFICATION_KIND,
                text=(
                    f"Promise at risk: #{card.pk} {card.title} is expected "
                    f"{promise.expected_on:%Y-%m-%d}, promised {promise.promised_on:%Y-%m-%d}."
                ),
                url=reverse("card-detail", args=[card.pk]),
                subject=f"card:{card.pk}",
                key=f"promise-risk:{spell.pk}",
                data={"card": card.pk, "card_title": card.title},
            )
        )
    notify_many(messages=messages, now=now)
