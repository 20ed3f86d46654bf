"""The expected date: now plus the typical remaining time (P85 of each remaining status over
the 12 weeks before this one, in business time), never before now (metrics/promises/)."""

from datetime import date

import pytest
import time_machine

from metrics.promises.typical import typical_times
from processes.models import RequestCard
from processes.promises import AT_RISK, ON_TRACK, promise_of
from tests.metrics.promise_history import NOW, build_history, utc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _card_in(make_card, status, since, promised):
    card = make_card("Promised order", at=since)
    RequestCard.objects.filter(pk=card.pk).update(
        status=status, status_changed_at=since, promised_on=promised
    )
    return RequestCard.objects.select_related("process").get(pk=card.pk)


def test_typical_times_are_the_p85_of_the_visits_that_ended_in_the_12_weeks_before(o2c, make_card):
    build_history(make_card)
    typical = typical_times(o2c, NOW)
    assert typical.week == "2026-W47"
    assert typical.seconds["agreed"] == pytest.approx(8.2 * 3600)  # 2, 4, 10 h (not W47's 9 h)
    assert typical.seconds["awaiting_payment"] == pytest.approx(2.7 * 3600)  # 1, 3 h
    assert typical.seconds["priced"] == 5 * 3600
    assert typical.visits["agreed"] == 3
    assert typical.path == ("received", "qualified", "priced", "agreed", "awaiting_payment")
    assert typical.remaining("agreed") == ("agreed", "awaiting_payment")
    assert typical.remaining("fulfilled") is None


def test_expected_date_adds_the_remaining_statuses_typical_times_in_business_time(o2c, make_card):
    build_history(make_card)
    # Priced since 9:00 today: leaves at 14:00 (5 h), then 8.2 + 2.7 = 10.9 h: 4 h today,
    # 6.9 h on Thursday -> Thursday 15:54.
    card = _card_in(make_card, "priced", utc(11, 18, 8), date(2026, 11, 19))
    promise = promise_of(card, now=NOW)
    assert (promise.expected_on, promise.state) == (date(2026, 11, 19), ON_TRACK)
    # Promised for today: the same expected date is late.
    card = _card_in(make_card, "priced", utc(11, 18, 8), date(2026, 11, 18))
    assert promise_of(card, now=NOW).state == AT_RISK


def test_expected_date_counts_the_current_status_from_when_the_card_entered_it(o2c, make_card):
    build_history(make_card)
    # Agreed since 9:00 today: leaves at 17:12, then 2.7 h -> Thursday 10:54.
    recent = _card_in(make_card, "agreed", utc(11, 18, 8), date(2026, 11, 18))
    assert promise_of(recent, now=NOW).expected_on == date(2026, 11, 19)
    # Agreed for a week already: it leaves now at the earliest (11:00), then 2.7 h -> 13:42.
    overdue = _card_in(make_card, "agreed", utc(11, 11, 8), date(2026, 11, 18))
    promise = promise_of(overdue, now=NOW)
    assert (promise.expected_on, promise.state) == (date(2026, 11, 18), ON_TRACK)


def test_no_history_expects_the_card_now(o2c, make_card):
    card = _card_in(make_card, "agreed", utc(11, 18, 8), date(2026, 11, 18))
    assert promise_of(card, now=NOW).expected_on == date(2026, 11, 18)
