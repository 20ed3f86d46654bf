"""Blocks and breaches in the map's problem areas (issue 25, point 2), on a hand-built history
(o2c, Berlin calendar 09:00-18:00 Monday to Friday; window Monday 2 to Friday 13 November 2026):

- P: created Mon 2 09:00; qualify 10:00, past the SLA of `received`; blocked Mon 2 11:00 in
  `qualified`, unblocked Tue 3 11:00 (business hours: Mon 11-18 and Tue 9-11, 9 h); price Tue
  3 12:00, past the SLA of `qualified`; open in `priced`.
- Q: created Mon 9 09:00 and blocked at the same instant (the block recorded after: by the tie
  rule, time then id, it is blocked in `received`); still blocked, so no blocked time yet.
- R: created Fri 30 Oct 09:00, blocked 10:00 (before the window: not counted), unblocked Mon 2
  10:00; qualify Mon 2 12:00, past the SLA of `received`; open in `qualified`.

Time spent (visits begun in the window and ended): received P 1 h; qualified P Mon 10-18 and
Tue 9-12, 11 h. So: qualified first (11 h, 1 breach, 1 block of 9 h), then received (1 h, 2
breaches, 1 block of 0 h).
"""

from datetime import date, datetime, time

import pytest

from processes.models import Event, EventKind, RequestCard
from tests.flow.conftest import BERLIN
from tests.processes.test_api import api_as

URL = "/api/processes/order-to-cash/map/"
WINDOW = {"from": "2026-11-02", "to": "2026-11-14"}
LATE = {"sla": {"due_at": "2026-11-01T09:00:00+00:00", "breached": True}}


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), tzinfo=BERLIN)


def card_with(process, actor, status, events):
    card = RequestCard.objects.create(process=process, title="Problems", created_by=actor)
    RequestCard.objects.filter(pk=card.pk).update(status=status)
    for kind, moment, source, target, data in events:
        Event.objects.create(
            card=card,
            kind=kind,
            at=moment,
            from_status=source,
            to_status=target,
            reason="waiting_customer" if kind == EventKind.BLOCK else "",
            data=data,
        )
    return card.pk


@pytest.fixture
def history(o2c, alice):
    C, T, B, U = EventKind.CREATED, EventKind.TRANSITION, EventKind.BLOCK, EventKind.UNBLOCK
    return {
        "P": card_with(
            o2c,
            alice,
            "priced",
            [
                (C, at(2, 9), "", "received", {}),
                (T, at(2, 10), "received", "qualified", LATE),
                (B, at(2, 11), "", "", {}),
                (U, at(3, 11), "", "", {"blocked_seconds": 86400}),
                (T, at(3, 12), "qualified", "priced", LATE),
            ],
        ),
        "Q": card_with(
            o2c,
            alice,
            "received",
            [(C, at(9, 9), "", "received", {}), (B, at(9, 9), "", "", {})],
        ),
        "R": card_with(
            o2c,
            alice,
            "qualified",
            [
                (C, at(30, 9, month=10), "", "received", {}),
                (B, at(30, 10, month=10), "", "", {}),
                (U, at(2, 10), "", "", {"blocked_seconds": 259200}),
                (T, at(2, 12), "received", "qualified", LATE),
            ],
        ),
    }


def test_problem_areas_rank_waiting_breaches_blocks_and_rework(history, alice):
    P, Q, R = (history[k] for k in "PQR")
    problems = api_as(alice).get(URL, WINDOW).json()["problems"]
    assert problems == [
        {
            "status": "qualified",
            "hours_total": 11.0,
            "p85_hours": 11.0,
            "repeat_visits": 0,
            "blocks": 1,
            "blocked_hours": 9.0,
            "breaches": 1,
            "blocked_cards": [P],
            "breached_cards": [P],
        },
        {
            "status": "received",
            "hours_total": 1.0,
            "p85_hours": 1.0,
            "repeat_visits": 0,
            "blocks": 1,
            "blocked_hours": 0.0,
            "breaches": 2,
            "blocked_cards": [Q],
            "breached_cards": sorted([P, R]),
        },
    ]


def test_the_page_lists_them_and_opens_their_cards(client, history, alice):
    P, Q, R = (history[k] for k in "PQR")
    client.force_login(alice)
    page = client.get("/processes/order-to-cash/map/", WINDOW).content.decode()
    table = page[page.index("data-problems") :]
    assert table.index('data-status="qualified"') < table.index('data-status="received"')
    assert "breached=received" in table and "blocked=qualified" in table
    cards_url = "/processes/order-to-cash/map/cards/"
    breached = client.get(cards_url, {**WINDOW, "breached": "received"}).content.decode()
    assert f"/cards/{P}/" in breached and f"/cards/{R}/" in breached
    assert f"/cards/{Q}/" not in breached
    blocked = client.get(cards_url, {**WINDOW, "blocked": "received"}).content.decode()
    assert f"/cards/{Q}/" in blocked and f"/cards/{P}/" not in blocked
    assert client.get(cards_url, {**WINDOW, "blocked": "nowhere"}).status_code == 404
