"""The daily agenda lists the promises at risk first (reviews/selectors/agendas.py)."""

from datetime import date

import pytest
import time_machine

from processes.models import RequestCard
from reviews.selectors.agendas import daily
from tests.metrics.promise_history import NOW, build_history, utc

pytestmark = pytest.mark.django_db


def test_daily_agenda_lists_promises_at_risk_first_latest_first(o2c, make_card, alice):
    with time_machine.travel(NOW, tick=False):
        build_history(make_card)
        cards = []
        for title, since, promised in [
            ("One day late", utc(11, 18, 8), date(2026, 11, 18)),  # expected Thursday
            ("On track", utc(11, 18, 8), date(2026, 11, 19)),
        ]:
            card = make_card(title, at=since, responsible=alice)
            RequestCard.objects.filter(pk=card.pk).update(
                status="agreed", status_changed_at=since, promised_on=promised
            )
            cards.append(card)
        agenda = daily(o2c, now=NOW, today=date(2026, 11, 18))
    assert agenda[0]["slug"] == "promises"
    assert [(i["text"], i["detail"], i["tone"]) for i in agenda[0]["items"]] == [
        (
            f"#{cards[0].pk} One day late",
            "promised Nov 18, 2026, expected Nov 19, 2026 (1 day late)",
            "worse",
        )
    ]
