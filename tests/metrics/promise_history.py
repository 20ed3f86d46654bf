"""A hand-built history of order to cash for the promise tests (business time of the standard
calendar: Europe/Berlin, Monday to Friday 9:00-18:00, UTC+1 in November).

In week 2026-W45 (inside the 12 weeks before W47), visits that ended:
- agreed: 2 h, 4 h, 10 h  -> P85 = 4 + 0.7 * (10 - 4) = 8.2 h
- awaiting_payment: 1 h, 3 h -> P85 = 1 + 0.85 * (3 - 1) = 2.7 h
- priced: 5 h -> P85 = 5 h
One visit to agreed ends in W47 itself (9 h): outside the window, it changes nothing.
"""

from datetime import UTC, datetime

from processes.models import Event, EventKind

# Wednesday 2026-11-18, 11:00 in Berlin (ISO week 47).
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def utc(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _moves(card, *moves):
    events, status = [], "received"
    for at, target in moves:
        events.append(
            Event(
                card=card,
                kind=EventKind.TRANSITION,
                at=at,
                from_status=status,
                to_status=target,
                transition="hand_built",
            )
        )
        status = target
    Event.objects.bulk_create(events)


def build_history(make_card):
    """Cards created at 8:00 in Berlin (no business time in `received`), moved by hand."""
    a = make_card("History A", at=utc(11, 2, 7))
    _moves(a, (utc(11, 2, 8), "agreed"), (utc(11, 2, 10), "awaiting_payment"),
           (utc(11, 2, 11), "fulfilled"))  # fmt: skip
    b = make_card("History B", at=utc(11, 3, 7))
    _moves(b, (utc(11, 3, 8), "agreed"), (utc(11, 3, 12), "awaiting_payment"),
           (utc(11, 3, 15), "fulfilled"))  # fmt: skip
    c = make_card("History C", at=utc(11, 4, 7))
    # Wednesday 9:00-18:00 and Thursday 9:00-10:00 in Berlin: 10 business hours.
    _moves(c, (utc(11, 4, 8), "agreed"), (utc(11, 5, 9), "awaiting_payment"))
    d = make_card("History D", at=utc(11, 2, 7))
    _moves(d, (utc(11, 2, 8), "priced"), (utc(11, 2, 13), "agreed"))
    e = make_card("History E", at=utc(11, 16, 7))
    _moves(e, (utc(11, 16, 8), "agreed"), (utc(11, 16, 17), "awaiting_payment"))
