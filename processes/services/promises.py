"""The promise's writes (processes/promises.py): the rules of setting and moving the promised
date (checked by the card services), and the shipment: the move carrying the effect
`record_shipment` (order to cash's `fulfil`) records the day shipped and whether the promise was
kept."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from opmodel.errors import InvalidInput
from processes.definition import process_zone_name
from processes.models import EventKind, RequestCard
from processes.promises import KEPT, MISSED, lines_short
from processes.services.events import event_record

PROMISE_REASON_MAX = 300


def promise_check(card: RequestCard, old: date | None, now: datetime, reason: str = "") -> None:
    """A promise is set on a day to come, moved with a reason, never withdrawn, and fixed once
    the card has shipped (kept or missed is then history)."""
    new = card.promised_on
    if new == old:
        return
    if card.shipped_on is not None:
        raise InvalidInput(
            {"promised_on": ["The card has shipped: its promise was kept or missed already."]}
        )
    if new is None:
        raise InvalidInput({"promised_on": ["A promise can be moved, not withdrawn: give a date."]})
    today = now.astimezone(ZoneInfo(process_zone_name(card.process))).date()
    if new < today:
        raise InvalidInput({"promised_on": ["A promised date cannot be in the past."]})
    if old is not None and not reason:
        raise InvalidInput({"promise_reason": ["Say why the promised date changes."]})
    if len(reason) > PROMISE_REASON_MAX:
        raise InvalidInput(
            {"promise_reason": [f"Keep the reason under {PROMISE_REASON_MAX} characters."]}
        )


def record_shipment(*, card: RequestCard, actor, now: datetime, **_) -> None:
    """Inside the move's transaction, after the card was written: the local day it shipped,
    and, for a promised card, one `promise_outcome` event the weekly figures count (kept or
    missed, days late, in full: no line short at shipment). A spell at risk ends here."""
    day = now.astimezone(ZoneInfo(process_zone_name(card.process))).date()
    card.shipped_on = day
    card.promise_risk_since = None
    # Not a change of the card's data (no new version): the move that ships it was just written.
    RequestCard.objects.filter(pk=card.pk).update(shipped_on=day, promise_risk_since=None)
    if card.promised_on is None:
        return
    short = lines_short(card)
    late = (day - card.promised_on).days
    event_record(
        card=card,
        kind=EventKind.PROMISE_OUTCOME,
        actor=actor,
        at=now,
        data={
            "outcome": KEPT if late <= 0 else MISSED,
            "promised_on": card.promised_on.isoformat(),
            "shipped_on": day.isoformat(),
            "days_late": max(late, 0),
            "in_full": short == 0,
            "lines_short": short,
        },
    ).save()
