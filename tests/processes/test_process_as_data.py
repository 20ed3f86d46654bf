"""A second process made through the admin alone, with no code, and cards moving through it."""

import pytest
from django.contrib.auth import get_user_model

from processes.errors import TransitionRefused
from processes.models import Process, Transition
from processes.services import card_create, card_transition, card_update
from roles.models import RoleKind


@pytest.fixture
def admin_client(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345")
    client.force_login(admin)
    return client


def _inline(prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for field, value in zip(fields, row, strict=True):
            data[f"{prefix}-{i}-{field}"] = value
    return data


def test_service_desk_process_built_in_the_admin_moves_cards(admin_client, alice):
    data = {
        "name": "Service desk",
        "slug": "service-desk",
        "description": "",
        "input": "A ticket",
        "output": "A fixed problem",
        "is_active": "on",
    }
    data |= _inline(
        "statuses",
        [
            ("0", "new", "New", "", "Triage"),
            ("1", "working", "Working", "", "Fix it"),
            ("2", "done", "Done", "on", ""),
        ],
        ["order", "slug", "name", "final", "next_action"],
    )
    data |= _inline(
        "block_reasons", [("0", "waiting_vendor", "Waiting for vendor")], ["order", "slug", "name"]
    )
    data |= _inline(
        "role_grants", [(RoleKind.EXECUTOR, str(alice.pk), "")], ["kind", "user", "group"]
    )
    response = admin_client.post("/admin/processes/process/add/", data)
    assert response.status_code == 302, (
        response.context["adminform"].errors if response.context else response
    )
    process = Process.objects.get(slug="service-desk")
    statuses = {s.slug: s for s in process.statuses.all()}
    for name, label, sources, target, conditions in [
        ("start", "Start", ["new"], "working", ["has_responsible"]),
        ("finish", "Finish", ["working"], "done", []),
    ]:
        response = admin_client.post(
            "/admin/processes/transition/add/",
            {
                "process": process.pk,
                "name": name,
                "label": label,
                "sources": [statuses[s].pk for s in sources],
                "target": statuses[target].pk,
                "allowed_roles": ["executor"],
                "conditions": conditions,
                "order": "0",
            },
        )
        assert response.status_code == 302, response.context["adminform"].errors
    assert Transition.objects.filter(process=process).count() == 2

    card = card_create(actor=alice, process=process, title="Printer jams")
    assert card.status == "new"
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=alice, card=card, name="start")
    assert refused.value.unmet == ["Assign a responsible person."]
    card_update(actor=alice, card=card, changes={"responsible": alice})
    card_transition(actor=alice, card=card, name="start")
    card_transition(actor=alice, card=card, name="finish")
    card.refresh_from_db()
    assert card.status == "done"
    assert list(card.events.values_list("kind", flat=True)) == [
        "created",
        "assignment",
        "transition",
        "transition",
    ]


def test_admin_refuses_a_transition_with_a_source_of_another_process(admin_client, o2c):
    other = Process.objects.create(slug="other", name="Other")
    target = other.statuses.create(slug="a", name="A")
    foreign_source = o2c.statuses.get(slug="received")
    response = admin_client.post(
        "/admin/processes/transition/add/",
        {
            "process": other.pk,
            "name": "go",
            "label": "Go",
            "sources": [foreign_source.pk],
            "target": target.pk,
            "allowed_roles": ["executor"],
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert "belongs to another process" in str(response.context["adminform"].errors)
    assert not Transition.objects.filter(process=other).exists()


def test_admin_offers_no_way_to_change_or_delete_events(admin_client, priced_card):
    event = priced_card.events.first()
    url = f"/admin/processes/event/{event.pk}/change/"
    response = admin_client.post(url, {"comment": "rewritten"})
    assert response.status_code == 403
    response = admin_client.post(f"/admin/processes/event/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.comment == ""
