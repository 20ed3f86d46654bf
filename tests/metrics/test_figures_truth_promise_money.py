"""The figures of issue 24 true to the history, recounted from the public API alone (issue 11's
way, as tests/metrics/test_figures_truth.py): a hand-built history of order to cash walked
through the services, each expected figure written out, and an outsider's recount from
`/api/processes/`, `/api/cards/`, each card's `/events/` and `/invoice/` that must give the same
numbers as the app's `/api/metrics/weekly/`.

Week measured: 2026-W47, Mon Nov 16 to Sun Nov 22 in Europe/Berlin (UTC+1); times below are
UTC. Amounts are one line each (net = price). Prepaid invoices fall due at issue; deferred ones
the payment days later.

    C  deferred 7 days, promised Nov 10: invoiced Nov 2 (3,000, due Nov 9), taken by the
       warehouse Nov 2, shipped Nov 5 (kept, a week before); paid 1,000 Nov 12 and 500 Nov 24
       (after the week): 2,000 overdue on Nov 22.
    E  prepaid 400, promised Nov 9: invoiced Nov 3, paid Nov 4, taken Nov 4; at risk from the
       scan of Nov 10; shipped Nov 19: missed, 10 days late (the spell ends). Finance takes it
       on Nov 23: a wait that ends in the next week.
    A  prepaid 1,000, promised Nov 18: invoiced Nov 16 10:00, taken 12:00 (wait 2 h), paid
       Nov 17, shipped Nov 17 14:00 (kept, in full), taken by finance Nov 18 14:00 (1 day),
       closed.
    B  deferred 14 days, 2,000, promised Nov 17: invoiced Nov 16 09:00 (due Nov 30), taken Nov 17
       09:00 (1 day), at risk Nov 18, shipped Nov 19 10:00 (missed, 2 days late), taken by
       finance 16:00 (6 h); paid 500 Nov 20: 1,500 outstanding, not overdue.
    D  prepaid 500, promised Nov 16: invoiced Nov 12 10:00 and paid Nov 13, waits for the
       warehouse until Nov 20 09:00 (7 days 23 h), shipped Sat Nov 21 (missed, 5 days late).
    H  deferred 30 days, 700: invoiced Nov 10, lost Nov 18: voided, counted as never issued.
    F  promised Nov 20, agreed and never invoiced: at risk from Nov 18, still at the week's end.
    G  promised Nov 17, at risk Nov 18, moved to Nov 30 on Nov 19 (a reason given): back on
       track at the scan of Nov 21.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from finance.services import payment_record
from metrics.models import WeeklySnapshot
from metrics.services import weekly_snapshot_compute
from metrics.services.promise_risks import promise_risk_scan
from processes.models import ApprovalRequest, Client
from processes.services import (
    approval_decide,
    card_create,
    card_item_add,
    card_transition,
    card_update,
)
from processes.services.handoffs import card_take
from roles.models import ProcessRole, RoleKind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WEEK = "2026-W47"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def at(day, hour=9, minute=0, month=11):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    # The invoice's state and the money's week in progress read today: the week after.
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fiona(o2c):
    user = get_user_model().objects.create_user(username="fiona", password=PASSWORD)
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.APPROVER, authority="finance", user=user
    )
    return user


@pytest.fixture
def history(o2c, alice, fiona):
    """alice sells, ships (Warehouse) and collects (Finance); fiona approves deferred terms.
    Built in the order of time: each scan for promises at risk sees the cards as they were."""
    acme = Client.objects.create(name="acme")
    cards = {}

    def order(name, price, promised, when, terms="prepaid", days=None):
        card = card_create(
            actor=alice,
            process=o2c,
            title=f"Order {name}",
            client=acme,
            responsible=alice,
            payment_terms=terms,
            deferred_days=days,
            promised_on=promised,
            at=when,
        )
        card_item_add(
            actor=alice,
            card=card,
            product="Pump",
            quantity=Decimal("1"),
            unit_price=Decimal(price),
            unit_cost=Decimal(price) * Decimal("0.6"),
            at=when + timedelta(minutes=5),
        )
        card.refresh_from_db()
        for minutes, move in [(10, "qualify"), (20, "price"), (30, "agree")]:
            card = card_transition(
                actor=alice, card=card, name=move, at=when + timedelta(minutes=minutes)
            )
        if terms == "deferred":
            approval = ApprovalRequest.objects.get(card=card, status="pending")
            approval_decide(
                actor=fiona, approval=approval, approve=True, at=when + timedelta(minutes=40)
            )
        cards[name] = card
        return card

    def move(name, transition, when, **kw):
        cards[name] = card_transition(actor=alice, card=cards[name], name=transition, at=when, **kw)

    def take(name, when):
        cards[name].refresh_from_db()
        cards[name] = card_take(actor=alice, card=cards[name], at=when)

    def pay(name, amount, paid_on, when):
        payment_record(
            actor=alice,
            card=cards[name],
            amount=Decimal(amount),
            paid_on=paid_on,
            reference=f"Bank {name}",
            now=when,
        )

    # W45
    order("C", "3000", date(2026, 11, 10), at(2), terms="deferred", days=7)
    order("E", "400", date(2026, 11, 9), at(2))
    move("C", "invoice", at(2, 10))
    take("C", at(2, 11))
    move("E", "invoice", at(3, 10))
    pay("E", "400", date(2026, 11, 4), at(4, 10))
    take("E", at(4, 11))
    move("C", "fulfil", at(5, 10))
    # W46
    order("A", "1000", date(2026, 11, 18), at(9))
    order("B", "2000", date(2026, 11, 17), at(9), terms="deferred", days=14)
    order("D", "500", date(2026, 11, 16), at(9))
    order("H", "700", date(2026, 11, 30), at(9), terms="deferred", days=30)
    order("F", "600", date(2026, 11, 20), at(9))
    order("G", "800", date(2026, 11, 17), at(9))
    promise_risk_scan(now=at(10, 10))
    move("H", "invoice", at(10, 10))
    move("D", "invoice", at(12, 10))
    pay("C", "1000", date(2026, 11, 12), at(12, 11))
    pay("D", "500", date(2026, 11, 13), at(13, 10))
    # W47
    move("B", "invoice", at(16, 9))
    move("A", "invoice", at(16, 10))
    take("A", at(16, 12))
    take("B", at(17, 9))
    pay("A", "1000", date(2026, 11, 17), at(17, 10))
    move("A", "fulfil", at(17, 14))
    promise_risk_scan(now=at(18, 10))
    take("A", at(18, 14))
    move("H", "mark_lost", at(18, 15), lost_reason="Client closed down")
    move("A", "close", at(19, 9))
    move("B", "fulfil", at(19, 10))
    move("E", "fulfil", at(19, 10))
    cards["G"].refresh_from_db()
    cards["G"] = card_update(
        actor=alice,
        card=cards["G"],
        changes={"promised_on": date(2026, 11, 30)},
        promise_reason="The client agreed to wait",
        at=at(19, 11),
    )
    take("B", at(19, 16))
    take("D", at(20, 9))
    pay("B", "500", date(2026, 11, 20), at(20, 10))
    promise_risk_scan(now=at(21, 10))
    move("D", "fulfil", at(21, 10))
    # W48: after the week
    take("E", at(23, 9))
    pay("C", "500", date(2026, 11, 24), at(24, 10))
    return cards


# The figures written out for the history --------------------------------------------------

PROMISE = {
    # Shipped in the week: A kept (in full), B 2, E 10 and D 5 days late.
    "shipped": 4,
    "kept": 1,
    "missed": 3,
    "on_time_in_full": 1,
    "on_time_in_full_share": 0.25,
    "at_risk": 1,  # F
    # days late 2, 5, 10: P50 5, P85 5 + 0.7 x 5
    "days_late": {"count": 3, "p50": 5.0, "p85": 8.5},
}
HANDOFF_WAIT = {
    "by_status": {
        # A 2 h, B 1 d, D 7 d 23 h: P50 1, P85 1 + 0.7 x 6.958333
        "awaiting_payment": {"count": 3, "p50": 1.0, "p85": 5.8708},
        # B 6 h, A 1 d: P50 0.625, P85 0.25 + 0.85 x 0.75 (E's wait ends in W48)
        "fulfilled": {"count": 2, "p50": 0.625, "p85": 0.8875},
    }
}
MONEY = {
    "day": "2026-11-22",
    # C 3,000 - 1,000 and B 2,000 - 500 (A, D, E paid; H voided)
    "outstanding": 3500.0,
    "overdue_amount": 2000.0,  # C, due Nov 9
    # C, E, D, B, A issued Aug 31 - Nov 22 (H voided): 6,900 over 84 days
    "invoiced_in_window": 6900.0,
    "window_days": 84,
    "dso": 42.6,  # 3,500 / 6,900 x 84 = 42.61
    "payments_received": 1500.0,  # A 1,000 Nov 17, B 500 Nov 20
}


# The outsider's recount: the public API only, no code of the app -------------------------


def _percentile(values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * share
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Outsider:
    def __init__(self, user, week: str, now: datetime):
        self.api = APIClient()
        self.api.force_authenticate(user)
        [process] = self.api.get("/api/processes/").json()
        rules = self.api.get(f"/api/processes/{process['slug']}/rules/").json()
        self.zone = ZoneInfo(rules["calendar"]["timezone"])
        self.finals = {s["slug"] for s in process["statuses"] if s["final"]}
        moves = process["transitions"]
        self.ships = {t["name"] for t in moves if "record_shipment" in t["effects"]}
        year, number = week.split("-W")
        self.monday = date.fromisocalendar(int(year), int(number), 1)
        self.start = datetime.combine(self.monday, datetime.min.time(), self.zone)
        self.end = datetime.combine(self.monday + timedelta(days=7), datetime.min.time(), self.zone)
        self.point = min(self.end, now)
        self.today = now.astimezone(self.zone).date()
        self.cards = {}
        url = "/api/cards/?page_size=200"
        while url:
            page = self.api.get(url).json()
            for card in page["results"]:
                self.cards[card["id"]] = card
            url = page["next"]
        self.events = {c: self.api.get(f"/api/cards/{c}/events/").json() for c in self.cards}
        self.invoices = {}
        for c in self.cards:
            answer = self.api.get(f"/api/cards/{c}/invoice/")
            if answer.status_code == 200:
                self.invoices[c] = answer.json()

    def day(self, text: str) -> date:
        return _instant(text).astimezone(self.zone).date()

    def promise(self) -> dict:
        shipments = {}  # card: (promised day, shipped day, in full), the last in the week
        at_risk = []
        for card, events in self.events.items():
            promised, latest = None, None
            for e in events:
                moment = _instant(e["at"])
                if moment >= self.point:
                    break
                if e["kind"] == "created" and e["data"].get("promised_on"):
                    promised = date.fromisoformat(e["data"]["promised_on"])
                elif e["kind"] == "promise_changed":
                    promised = date.fromisoformat(e["data"]["new"])
                elif e["kind"] == "transition" and e["transition"] in self.ships and promised:
                    if moment >= self.start:
                        shipments[card] = [promised, self.day(e["at"]), None]
                elif e["kind"] == "promise_outcome" and card in shipments:
                    # Whether every line went in full is said at shipment (the stock's own
                    # history is not what this recount is about).
                    shipments[card][2] = e["data"]["in_full"]
                if e["kind"] in ("promise_at_risk", "promise_on_track", "promise_outcome") or (
                    e["kind"] == "transition" and e["to_status"] in self.finals
                ):
                    latest = e["kind"]
            if latest == "promise_at_risk":
                at_risk.append(card)
        late = [(shipped - promised).days for promised, shipped, _ in shipments.values()]
        kept = [d for d in late if d <= 0]
        missed = [d for d in late if d > 0]
        in_full = sum(1 for p, s, full in shipments.values() if s <= p and full)
        self.at_risk_cards = sorted(at_risk)
        return {
            "shipped": len(shipments),
            "kept": len(kept),
            "missed": len(missed),
            "on_time_in_full": in_full,
            "on_time_in_full_share": round(in_full / len(shipments), 4) if shipments else None,
            "at_risk": len(at_risk),
            "days_late": {
                "count": len(missed),
                "p50": round(_percentile(missed, 0.5), 1) if missed else None,
                "p85": round(_percentile(missed, 0.85), 1) if missed else None,
            },
        }

    def handoff_wait(self) -> dict:
        waits = defaultdict(list)
        for events in self.events.values():
            status, entered, waiting = None, None, False
            for e in events:
                moment = _instant(e["at"])
                if moment >= self.end:
                    break
                if e["kind"] in ("created", "transition"):
                    status, entered, waiting = e["to_status"], moment, False
                elif e["kind"] == "handoff":
                    waiting = not e["data"].get("assigned")
                elif e["kind"] == "assignment" and waiting and e["data"].get("new"):
                    if moment >= self.start:
                        waits[status].append((moment - entered).total_seconds() / 86400)
                    waiting = False
        return {
            "by_status": {
                status: {
                    "count": len(values),
                    "p50": round(_percentile(values, 0.5), 4),
                    "p85": round(_percentile(values, 0.85), 4),
                }
                for status, values in sorted(waits.items())
            }
        }

    def money(self) -> dict:
        day = min(self.monday + timedelta(days=6), self.today)
        window_start = self.monday - timedelta(weeks=11)
        outstanding = overdue = invoiced = received = Decimal(0)
        for invoice in self.invoices.values():
            payments = [(date.fromisoformat(p["paid_on"]), Decimal(p["amount"]))
                        for p in invoice["payments"]]  # fmt: skip
            received += sum(a for paid_on, a in payments if self.monday <= paid_on <= day)
            issued = date.fromisoformat(invoice["issued_on"])
            voided = invoice["voided_on"] and date.fromisoformat(invoice["voided_on"])
            if issued > day or (voided and voided <= day):
                continue
            owed = Decimal(invoice["amount"]) - sum(a for paid_on, a in payments if paid_on <= day)
            outstanding += owed
            if date.fromisoformat(invoice["due_on"]) < day:
                overdue += owed
            if issued >= window_start:
                invoiced += Decimal(invoice["amount"])
        days = (day - window_start).days + 1
        return {
            "day": day.isoformat(),
            "outstanding": float(outstanding),
            "overdue_amount": float(overdue),
            "invoiced_in_window": float(invoiced),
            "window_days": days,
            "dso": round(float(outstanding / invoiced * days), 1) if invoiced else None,
            "payments_received": float(received),
        }


@pytest.fixture
def outsider(history, bob):
    return Outsider(bob, WEEK, NOW)


@pytest.fixture
def app_figures(history, o2c, bob):
    weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)
    api = APIClient()
    api.force_authenticate(bob)
    answer = api.get("/api/metrics/weekly/", {"process": "order-to-cash", "week": WEEK})
    assert answer.status_code == 200
    return answer.json()


def test_the_recount_reads_the_calendar_and_every_card(outsider, history):
    assert str(outsider.zone) == "Europe/Berlin"
    assert set(outsider.cards) == {card.pk for card in history.values()}
    assert outsider.ships == {"fulfil"}


def test_promise_figures_recounted_from_the_events(outsider, app_figures, history):
    assert outsider.promise() == PROMISE
    assert outsider.at_risk_cards == [history["F"].pk]
    assert app_figures["promise"] == PROMISE


def test_handoff_waits_recounted_from_the_events(outsider, app_figures):
    assert outsider.handoff_wait() == HANDOFF_WAIT
    assert app_figures["handoff_wait"] == HANDOFF_WAIT


def test_money_figures_recounted_from_the_invoices_and_payments(outsider, app_figures, o2c):
    assert outsider.money() == MONEY
    assert app_figures["money"] == MONEY
    # As kept with the week's snapshot for the catalogue, too.
    assert WeeklySnapshot.objects.get(process=o2c, week=WEEK).figures["money"] == MONEY


def test_the_history_went_as_told(history):
    """The outcomes and spells the figures count, card by card (what the recount relies on)."""

    def kinds(name, kind):
        return [e.data for e in history[name].events.filter(kind=kind).order_by("at", "id")]

    assert [d["outcome"] for d in kinds("C", "promise_outcome")] == ["kept"]
    assert [(d["outcome"], d["days_late"]) for d in kinds("E", "promise_outcome")] == [
        ("missed", 10)
    ]
    assert len(kinds("G", "promise_at_risk")) == 1 and len(kinds("G", "promise_on_track")) == 1
    assert len(kinds("F", "promise_at_risk")) == 1
