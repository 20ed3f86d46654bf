"""Recording a complaint (service.services.complaint_create) and moving it to its resolution."""

import pytest
from django.test import Client as WebClient

from opmodel.errors import Forbidden, InvalidInput
from processes.errors import TransitionRefused
from processes.models import CardLink, Event, EventKind, RequestCard
from processes.services import card_create, card_transition, card_update
from service.models import Complaint
from service.services.complaints import complaint_process
from tests.processes.test_api import api_as
from tests.processes.test_views import card_form_data
from tests.service.builders import client, complaint, local, order

pytestmark = pytest.mark.django_db
AT = local(2030, 3, 5)


def test_a_complaint_about_an_order_is_linked_to_it_and_its_client(o2c, alice, maggie):
    acme = client("Acme Tools")
    drills = order(o2c, alice, acme)
    card = complaint(maggie, "damaged", AT, about=drills, returned="2 drills")
    assert (card.process.slug, card.status, card.client) == ("customer-service", "received", acme)
    assert card.title == f"Damaged goods: order #{drills.pk} Order"
    assert (card.complaint.reason, card.complaint.returned) == ("damaged", "2 drills")
    assert CardLink.objects.filter(source=card, target=drills, kind="complaint").exists()
    # Both histories say so.
    linked = Event.objects.filter(kind=EventKind.LINKED, card__in=[card, drills])
    assert sorted(e.data["card"] for e in linked) == sorted([card.pk, drills.pk])


def test_a_complaint_without_an_order_needs_its_client(o2c, maggie):
    card = complaint(maggie, "billing", AT, who=client("Delta Farms"))
    assert not CardLink.objects.filter(source=card).exists()
    with pytest.raises(InvalidInput) as refused:
        complaint(maggie, "billing", AT)
    assert list(refused.value.errors) == ["client"]


def test_refusals_name_their_fields_and_write_nothing(o2c, alice, maggie):
    drills = order(o2c, alice, client("Acme Tools"))
    before = RequestCard.objects.count()
    with pytest.raises(InvalidInput) as refused:
        complaint(maggie, "broken", AT, about=drills, who=client("Baltic Hardware"))
    assert set(refused.value.errors) == {"reason", "client"}
    other = complaint(maggie, "late", AT, about=drills)
    with pytest.raises(InvalidInput) as refused:
        complaint(maggie, "late", AT, about=other)
    assert list(refused.value.errors) == ["order"]
    assert RequestCard.objects.count() == before + 1
    assert Complaint.objects.count() == 1


def test_only_customer_services_people_record_complaints(o2c, alice, charlie, sam):
    drills = order(o2c, alice, client("Acme Tools"))
    for outsider in (alice, charlie):  # order to cash's executor holds no role in service
        with pytest.raises(Forbidden):
            complaint(outsider, "late", AT, about=drills)
    assert complaint(sam, "late", AT, who=client("Acme Tools")).pk


def test_a_return_is_awaited_only_when_the_complaint_says_what_comes_back(o2c, alice, sam):
    acme = client("Acme Tools")
    plain = complaint(sam, "late", AT, who=acme)
    ret = complaint(sam, "damaged", AT, about=order(o2c, alice, acme), returned="1 grinder")
    for card in (plain, ret):
        card = card_update(actor=sam, card=card, changes={"responsible": sam}, at=AT)
        for name in ("triage", "investigate", "propose"):
            card = card_transition(actor=sam, card=card, name=name, at=AT)
    with pytest.raises(TransitionRefused) as refused:
        card_transition(
            actor=sam, card=RequestCard.objects.get(pk=plain.pk), name="await_return", at=AT
        )
    assert "What is returned" in str(refused.value.unmet)
    card = card_transition(
        actor=sam, card=RequestCard.objects.get(pk=ret.pk), name="await_return", at=AT
    )
    card = card_transition(actor=sam, card=card, name="resolve", at=AT)
    assert card.status == "resolved"


def test_a_card_made_by_hand_in_customer_service_is_refused_without_its_reason(o2c, maggie):
    """The board's "New card" and POST /api/cards/ have no reason to give: refused, pointing to
    the complaint forms, rather than a complaint without the reason its figures count by."""
    acme = client("Acme Tools")
    with pytest.raises(InvalidInput) as refused:
        card_create(actor=maggie, process=complaint_process(), title="Angry call", client=acme)
    assert "/api/complaints/" in refused.value.errors["process"][0]
    answer = api_as(maggie).post(
        "/api/cards/",
        {"process": "customer-service", "title": "Angry call", "client": acme.pk},
        format="json",
    )
    assert answer.status_code == 400, answer.json()
    assert "New complaint" in answer.json()["process"][0]
    web = WebClient()
    web.force_login(maggie)
    page = web.post(
        "/cards/new/?process=customer-service",
        card_form_data(title="Angry call", client=acme.pk),
    )
    assert page.status_code == 400
    assert "/service/complaints/new/" in page.content.decode()
    assert not RequestCard.objects.filter(process__slug="customer-service").exists()
    assert not Complaint.objects.exists()


def test_every_complaint_card_has_its_complaint_row(o2c, alice, maggie):
    card = complaint(maggie, "late", AT, who=client("Acme Tools"), returned=" 1 pump ")
    row = Complaint.objects.get(card=card)
    assert (row.reason, row.returned, row.created_at) == ("late", "1 pump", AT)
