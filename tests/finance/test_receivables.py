"""/receivables/ and its list: what is owed, overdue first, aged in buckets, per client; the
daily agenda's overdue list. Today is Wednesday 2026-11-18."""

from datetime import date
from decimal import Decimal

import pytest

from finance.definitions import aging_bucket
from finance.selectors import receivables, receivables_summary
from finance.selectors.agenda import overdue_agenda_items
from processes.models import Client
from reviews.selectors.agendas import daily
from tests.finance.builders import invoice, payment
from tests.finance.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(make_card, acme, o2c):
    beta = Client.objects.create(name="Beta Build")
    cards = {k: make_card(title=f"Order {k}", client=c) for k, c in
             [("A", acme), ("B", acme), ("C", beta), ("D", beta), ("E", acme), ("F", acme),
              ("G", beta)]}  # fmt: skip
    invoice(cards["A"], "1000.00", date(2026, 11, 1), date(2026, 11, 20))  # not due
    b = invoice(cards["B"], "500.00", date(2026, 10, 10), date(2026, 11, 10))  # 8 days
    payment(b, "200.00", date(2026, 11, 12))
    invoice(cards["C"], "700.00", date(2026, 9, 1), date(2026, 10, 1))  # 48 days
    invoice(cards["D"], "400.00", date(2026, 8, 1), date(2026, 9, 1))  # 78 days
    invoice(cards["E"], "250.00", date(2026, 7, 1), date(2026, 7, 1))  # 140 days
    f = invoice(cards["F"], "90.00", date(2026, 7, 1), date(2026, 7, 1))
    payment(f, "90.00", date(2026, 7, 2))  # paid: not owed
    invoice(cards["G"], "80.00", date(2026, 7, 1), date(2026, 7, 1), voided=date(2026, 8, 1))
    return cards


def test_aging_buckets_at_their_edges():
    assert [aging_bucket(d) for d in (0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        "not_due", "d1_30", "d1_30", "d31_60", "d31_60", "d61_90", "d61_90", "over_90",
        "over_90",
    ]  # fmt: skip


def test_receivables_overdue_first_with_aging_and_client_totals(book, o2c):
    rows = receivables(process_ids=[o2c.pk], today=TODAY)
    assert [(r.card.title, r.outstanding, r.days_overdue, r.bucket) for r in rows] == [
        ("Order E", Decimal("250.00"), 140, "over_90"),
        ("Order D", Decimal("400.00"), 78, "d61_90"),
        ("Order C", Decimal("700.00"), 48, "d31_60"),
        ("Order B", Decimal("300.00"), 8, "d1_30"),
        ("Order A", Decimal("1000.00"), 0, "not_due"),
    ]
    summary = receivables_summary(rows)
    assert [(b["key"], b["amount"], b["count"]) for b in summary["buckets"]] == [
        ("not_due", Decimal("1000.00"), 1),
        ("d1_30", Decimal("300.00"), 1),
        ("d31_60", Decimal("700.00"), 1),
        ("d61_90", Decimal("400.00"), 1),
        ("over_90", Decimal("250.00"), 1),
    ]
    assert summary["clients"] == [
        {"client": "Acme Tools", "outstanding": Decimal("1550.00"),
         "overdue": Decimal("550.00"), "count": 3},
        {"client": "Beta Build", "outstanding": Decimal("1100.00"),
         "overdue": Decimal("1100.00"), "count": 2},
    ]  # fmt: skip
    assert (summary["total"], summary["overdue"]) == (Decimal("2650.00"), Decimal("1650.00"))
    overdue = receivables(process_ids=[o2c.pk], today=TODAY, overdue_only=True)
    assert [r.card.title for r in overdue] == ["Order E", "Order D", "Order C", "Order B"]


def test_the_daily_agenda_lists_the_overdue_invoices(book, o2c):
    items = overdue_agenda_items(o2c, now=NOW, today=TODAY)
    assert [(i["text"], i["detail"]) for i in items][:2] == [
        (f"#{book['E'].pk} Order E (Acme Tools)", "250.00 overdue 140 days, due Jul 1, 2026"),
        (f"#{book['D'].pk} Order D (Beta Build)", "400.00 overdue 78 days, due Sep 1, 2026"),
    ]
    assert len(items) == 4
    sections = {s["slug"]: s for s in daily(o2c, now=NOW, today=TODAY)}
    assert [i["key"] for i in sections["overdue_invoices"]["items"]] == [i["key"] for i in items]


def test_a_process_that_issues_no_invoices_has_no_overdue_list(o2c):
    from processes.models import Process

    other = Process.objects.create(slug="service", name="Service")
    assert overdue_agenda_items(other, now=NOW, today=TODAY) is None


def test_finance_and_the_accountable_read_the_page_others_do_not(
    client, book, fiona, bob, oscar, charlie
):
    for person in (fiona, bob):
        client.force_login(person)
        page = client.get("/receivables/")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-bucket="over_90">250.00' in html
        assert "data-total>2,650.00" in html
        assert f'href="/cards/{book["E"].pk}/"' in html
        assert html.index("Order E") < html.index("Order A")  # overdue first
    client.force_login(fiona)
    overdue = client.get("/receivables/?state=overdue").content.decode()
    assert "Order B" in overdue and "Order A" not in overdue
    assert client.post("/receivables/").status_code == 405
    client.force_login(oscar)
    assert client.get("/receivables/").status_code == 403
    client.force_login(charlie)
    assert client.get("/receivables/").status_code == 404


def test_the_process_owner_reads_the_page(client, book, o2c, charlie):
    from roles.models import ProcessRole, RoleKind

    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.INFORMED, user=charlie)
    o2c.owner = charlie
    o2c.save(update_fields=["owner"])
    client.force_login(charlie)
    assert client.get("/receivables/").status_code == 200
