"""The promise at shipment: the move carrying the effect `record_shipment` (order to cash's
`fulfil`) records the day shipped and whether the promise was kept (processes/promises.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from processes.definition import process_zone_name
from processes.models import EventKind, RequestCard
from processes.promises import KEPT, MISSED, lines_short
from processes.services.events import event_record


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
