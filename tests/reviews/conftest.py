"""Hand-built data for the reviews: order to cash on its standard calendar (Europe/Berlin).

"Now" is Wed 2026-11-25 10:00 UTC (11:00 in Berlin), ISO week W48; the last complete week is
W47. bob is accountable (runs the reviews), alice the executor, charlie the outsider.
"""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from reviews.models import Rhythm
from reviews.services.reviews import review_open

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rhythms(o2c):
    return [
        Rhythm.objects.create(process=o2c, level="daily", time_of_day=time(9, 30)),
        Rhythm.objects.create(process=o2c, level="weekly", time_of_day=time(10), weekday=1),
        Rhythm.objects.create(process=o2c, level="monthly", time_of_day=time(10), weekday=2, nth=1),
    ]


@pytest.fixture
def open_review(o2c, bob):
    def make(level="daily", held_on=TODAY, actor=None):
        return review_open(actor=actor or bob, process=o2c, level=level, held_on=held_on, now=NOW)

    return make
