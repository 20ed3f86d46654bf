"""POST /api/complaints/: a complaint card with its reason, linked to its order and client."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from processes.models import CardLink, RequestCard
from tests.service.builders import client, order

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_complaint_about_an_order(o2c, alice, maggie):
    acme = client("Acme Tools")
    drills = order(o2c, alice, acme, title="Drills")
    answer = _api(maggie).post(
        "/api/complaints/",
        {"order": drills.pk, "reason": "damaged", "returned": "2 drills", "priority": "high"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    card = RequestCard.objects.get(pk=body["card"])
    assert body == {
        "card": card.pk,
        "process": "customer-service",
        "status": "received",
        "title": f"Damaged goods: order #{drills.pk} Drills",
        "client": acme.pk,
        "order": drills.pk,
        "reason": "damaged",
        "returned": "2 drills",
        "created_at": body["created_at"],
    }
    assert card.priority == "high"
    assert CardLink.objects.filter(source=card, target=drills, kind="complaint").exists()
    # The complaint is a card like any other: read and moved through the card API.
    assert _api(maggie).get(f"/api/cards/{card.pk}/").json()["process"] == "customer-service"


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"reason": "broken", "client": "ACME"}, {"reason", "client"}),
        ({"reason": "late"}, {"client"}),
        ({}, {"reason"}),
        ({"reason": "late", "order": 999999}, {"order"}),
        ({"reason": "late", "order": "1"}, {"order"}),
        ({"reason": "late", "returned": None, "client": None}, {"returned"}),
    ],
)
def test_bad_complaints_answer_400_naming_the_fields(o2c, maggie, body, fields):
    answer = _api(maggie).post("/api/complaints/", body, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == fields
    assert not RequestCard.objects.filter(process__slug="customer-service").exists()


def test_an_order_the_user_does_not_see_is_no_card(o2c, alice, sam):
    # sam sees customer service only: order to cash's card is not his to name.
    drills = order(o2c, alice, client("Acme Tools"))
    answer = _api(sam).post(
        "/api/complaints/", {"order": drills.pk, "reason": "late"}, format="json"
    )
    assert (answer.status_code, list(answer.json())) == (400, ["order"])


def test_outside_customer_service_it_is_403(o2c, alice, charlie):
    acme = client("Acme Tools")
    for user in (alice, charlie):
        answer = _api(user).post(
            "/api/complaints/", {"client": acme.pk, "reason": "late"}, format="json"
        )
        assert answer.status_code == 403
    assert APIClient().post("/api/complaints/", {}, format="json").status_code == 401


def test_the_schema_documents_the_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    post = schema["paths"]["/api/complaints/"]["post"]
    assert {"201", "400", "401", "403"} <= set(post["responses"])
    body = schema["components"]["schemas"]["ComplaintInputRequest"]
    assert body["required"] == ["reason"]
    assert body["properties"]["reason"]["$ref"].endswith("/ComplaintReasonEnum")
    assert schema["components"]["schemas"]["Complaint"]["properties"]["order"]["nullable"]


@pytest.mark.parametrize("field", ["client", "order"])
@pytest.mark.parametrize("value", [2**63, -1, 0, True, "x"])
def test_ids_out_of_range_are_field_errors(o2c, maggie, field, value):
    answer = _api(maggie).post("/api/complaints/", {field: value, "reason": "late"}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == [field]
