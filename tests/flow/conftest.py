"""A process history built by hand: finished cards with their created and transition events at
chosen local times (the o2c calendar: Europe/Berlin, Monday to Friday, German holidays)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from processes.models import Event, EventKind, RequestCard

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 18 November 2026, 13:00 in Berlin: the 30-day window is 19 Oct - 17 Nov, 22
# working days (no public holiday in it), and the forecasts start on 18 November.
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def finish_cards(process, actor, finishes: dict[date, int], *, cycle_days: float = 2.0):
    """For each day, that many cards finished (closed) at 10:00 local, each started
    `cycle_days` before and created an hour before it started."""
    cards, events = [], []
    for count in finishes.values():
        for _ in range(count):
            cards.append(
                RequestCard(process=process, title="Done", status="closed", created_by=actor)
            )
    RequestCard.objects.bulk_create(cards)
    it = iter(cards)
    for day, count in finishes.items():
        for _ in range(count):
            card = next(it)
            done = local(day)
            started = done - timedelta(days=cycle_days)
            events += [
                Event(
                    card=card,
                    kind=EventKind.CREATED,
                    at=started - timedelta(hours=1),
                    to_status="received",
                ),
                Event(
                    card=card,
                    kind=EventKind.TRANSITION,
                    at=started,
                    from_status="received",
                    to_status="qualified",
                    transition="qualify",
                ),
                Event(
                    card=card,
                    kind=EventKind.TRANSITION,
                    at=done,
                    from_status="qualified",
                    to_status="closed",
                    transition="close",
                ),
            ]
    Event.objects.bulk_create(events)
    return cards


def working_days(first: date, last: date) -> list[date]:
    """Monday to Friday (the tests' windows hold no German public holiday)."""
    days = []
    while first <= last:
        if first.isoweekday() <= 5:
            days.append(first)
        first += timedelta(days=1)
    return days


WINDOW_DAYS = working_days(date(2026, 10, 19), date(2026, 11, 17))
