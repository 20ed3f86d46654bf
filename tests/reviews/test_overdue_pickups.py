"""The daily agenda lists the cards handed to a stage role that nobody took for longer than their
status's at-risk time (issue 24, point 4). To ship: 40 business hours allowed, at risk
at 75%: 30 business hours of the standard calendar (Mon-Fri 9:00-18:00, Europe/Berlin)."""

from datetime import UTC, datetime

import time_machine

from processes.services import card_transition
from processes.services.handoffs import card_take
from reviews.selectors.agendas import daily
from tests.conftest import settle
from tests.stage_people import agreed_card, person

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
# Monday 8 h + Tuesday 9 h + Wednesday 9 h + Thursday 4 h (9:00-13:00 local) = 30 h
AT_RISK = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)


def _pickups(process, now):
    sections = {s["slug"]: s for s in daily(process, now=now, today=now.date())}
    return sections["pickups"]


def test_overdue_pick_ups_on_the_daily_agenda(o2c, acme):
    oliver = person("oliver", process=o2c)
    wanda = person("wanda", group="Warehouse")
    with time_machine.travel(AT_RISK, tick=False):
        cards = {}
        for title, at in [("waiting", MONDAY), ("taken", MONDAY), ("later", AT_RISK)]:
            card = agreed_card(o2c, oliver, acme, at=at, title=title)
            card_transition(actor=oliver, card=card, name="invoice", at=at)
            settle(card)  # the prepaid invoice paid: the warehouse may ship
            cards[title] = card
        card_take(actor=wanda, card=cards["taken"], at=MONDAY)
        assert _pickups(o2c, datetime(2026, 11, 19, 11, 59, tzinfo=UTC))["items"] == []
        section = _pickups(o2c, AT_RISK)
    assert section["title"] == "Handed-off cards nobody has taken, past their at-risk time"
    assert section["items"] == [
        {
            "key": f"card:{cards['waiting'].pk}",
            "text": f"#{cards['waiting'].pk} waiting",
            "detail": "waiting for pick-up in To ship for 30.0 business hours "
            "(at risk after 30.0 business hours)",
            "url": f"/cards/{cards['waiting'].pk}/",
            "tone": "worse",
        }
    ]
