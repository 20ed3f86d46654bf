"""Customer service's pages: a complaint from an order card's page and from the service board,
the complaint on its card, the quality section of the weekly dashboard and its cards."""

from datetime import date

import pytest

from metrics.services import weekly_snapshot_compute
from processes.models import CardLink, RequestCard
from tests.service.builders import client as named
from tests.service.builders import complaint, local, order
from tests.service.conftest import NOW

pytestmark = pytest.mark.django_db


def test_a_complaint_about_an_order_from_its_card_page(client, o2c, alice, maggie):
    drills = order(o2c, alice, named("Acme Tools"), title="Drills")
    client.force_login(maggie)
    page = client.get(f"/cards/{drills.pk}/").content.decode()
    assert f'href="/complaints/new/?order={drills.pk}"' in page
    assert "Complaint about this order" in page
    form = client.get(f"/complaints/new/?order={drills.pk}").content.decode()
    assert f"#{drills.pk} Drills" in form
    answer = client.post(
        "/complaints/new/", {"order": drills.pk, "reason": "wrong_item", "priority": "normal"}
    )
    card = RequestCard.objects.get(process__slug="customer-service")
    assert answer.status_code == 302 and answer["Location"] == f"/cards/{card.pk}/"
    assert CardLink.objects.filter(source=card, target=drills, kind="complaint").exists()
    shown = client.get(f"/cards/{card.pk}/").content.decode()
    assert 'data-testid="complaint"' in shown and "Wrong item" in shown
    listed = client.get(f"/cards/{drills.pk}/").content.decode()
    assert f"#{card.pk} Wrong item: order #{drills.pk} Drills" in listed


def test_the_form_shows_field_errors(client, o2c, maggie):
    client.force_login(maggie)
    answer = client.post("/complaints/new/", {"reason": "", "priority": "normal"})
    assert answer.status_code == 400
    assert 'class="field-error"' in answer.content.decode()
    answer = client.post("/complaints/new/", {"reason": "late", "priority": "normal"})
    assert answer.status_code == 400 and "Name the client" in answer.content.decode()
    assert not RequestCard.objects.filter(process__slug="customer-service").exists()


def test_the_service_board_offers_a_new_complaint(client, service, sam, alice):
    client.force_login(sam)
    board = client.get("/?process=customer-service").content.decode()
    assert 'href="/complaints/new/"' in board
    answer = client.post(
        "/complaints/new/",
        {"client": named("Delta Farms").pk, "reason": "billing", "priority": "high"},
    )
    assert answer.status_code == 302
    assert RequestCard.objects.get(process__slug="customer-service").priority == "high"
    client.force_login(alice)  # order to cash's executor: no new complaint on her board
    assert "/complaints/new/" not in client.get("/").content.decode()


def test_outsiders_get_404(client, o2c, alice, charlie, sam):
    drills = order(o2c, alice, named("Acme Tools"))
    for user in (charlie, alice):  # alice holds no role in customer service
        client.force_login(user)
        assert client.get("/complaints/new/").status_code == 404
        assert client.post("/complaints/new/", {"reason": "late"}).status_code == 404
    client.force_login(sam)  # sam may not name an order he cannot see
    assert client.get(f"/complaints/new/?order={drills.pk}").status_code == 404
    assert client.delete("/complaints/new/").status_code == 405
    client.force_login(alice)  # her order card offers no complaint
    assert "Complaint about this order" not in client.get(f"/cards/{drills.pk}/").content.decode()


def test_the_weekly_dashboard_shows_quality_and_its_cards(client, o2c, alice, maggie):
    acme = named("Acme Tools")
    shipped = order(o2c, alice, acme, date(2030, 3, 6))
    c1 = complaint(maggie, "damaged", local(2030, 3, 5), about=shipped)
    c2 = complaint(maggie, "late", local(2030, 3, 7), who=acme)
    weekly_snapshot_compute(process_id=o2c.pk, week="2030-W10", now=NOW)
    client.force_login(maggie)
    page = client.get("/dashboards/weekly/?process=order-to-cash&week=2030-W10").content.decode()
    assert 'data-testid="quality"' in page
    assert 'data-figure="complaints_per_100_shipped">200.0<' in page  # 2 / 1 x 100
    assert "more than one complaint received in the trailing 8 weeks" in page
    cards = client.get(
        "/dashboards/weekly/cards/?process=order-to-cash&week=2030-W10"
        "&metric=quality.complaints&key=damaged"
    ).content.decode()
    assert "Complaints received: Damaged goods" in cards
    assert f"#{c1.pk} " in cards and f"#{c2.pk} " not in cards
    repeat = client.get(
        "/dashboards/weekly/cards/?process=order-to-cash&week=2030-W10&metric=quality.repeat"
    ).content.decode()
    assert f"#{c1.pk} " in repeat and f"#{c2.pk} " in repeat


def test_the_complaint_changes_on_its_page_into_its_history(client, o2c, sam, charlie, maggie):
    from processes.models import Event, EventKind
    from processes.services import card_transition

    card = complaint(sam, "late", local(2030, 3, 5), who=named("Acme Tools"))
    client.force_login(sam)
    assert "Save the complaint" in client.get(f"/cards/{card.pk}/").content.decode()
    answer = client.post(
        f"/cards/{card.pk}/complaint/", {"reason": "damaged", "returned": " 1 grinder "}
    )
    assert answer.status_code == 302 and answer["Location"] == f"/cards/{card.pk}/#complaint"
    card.complaint.refresh_from_db()
    assert (card.complaint.reason, card.complaint.returned) == ("damaged", "1 grinder")
    changes = Event.objects.filter(card=card, kind=EventKind.FIELD_CHANGE).order_by("id")
    assert [(e.data["field"], e.data["old"], e.data["new"]) for e in changes] == [
        ("complaint_reason", "late", "damaged"),
        ("complaint_returned", "", "1 grinder"),
    ]
    assert "Complaint reason changed" in client.get(f"/cards/{card.pk}/").content.decode()
    client.force_login(charlie)
    assert client.post(f"/cards/{card.pk}/complaint/", {"reason": "other"}).status_code == 404
    card = card_transition(actor=sam, card=card, name="reject", lost_reason="Not ours")
    client.force_login(sam)
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert "Save the complaint" not in page
    client.post(f"/cards/{card.pk}/complaint/", {"reason": "other", "returned": ""})
    card.complaint.refresh_from_db()
    assert card.complaint.reason == "damaged"  # a finished complaint keeps its data
