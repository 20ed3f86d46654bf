"""The queue page of a stage role (issue 24, point 4): the warehouse sees the cards handed to it,
waiting for pick-up, with "Take it"; the previous responsible no longer has them in their queue."""

import pytest
from django.urls import reverse

from processes.models import RequestCard
from processes.services import card_transition
from tests.conftest import settle
from tests.stage_people import agreed_card, person


@pytest.fixture
def oliver(o2c):
    return person("oliver", process=o2c)


@pytest.fixture
def wanda(o2c):
    return person("wanda", group="Warehouse")


def _handed(o2c, oliver, acme, count):
    cards = []
    for i in range(count):
        card = agreed_card(o2c, oliver, acme, title=f"Order {i}")
        card_transition(actor=oliver, card=card, name="invoice")
        settle(card)  # the prepaid invoice paid: the warehouse may ship
        cards.append(card)
    return cards


def test_the_warehouse_queue_lists_its_cards_waiting_for_pick_up(client, o2c, oliver, wanda, acme):
    handed = _handed(o2c, oliver, acme, 2)
    agreed = agreed_card(o2c, oliver, acme, title="Still ours")  # not the warehouse's
    client.force_login(wanda)
    response = client.get(reverse("queue"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["card"].pk, r["pickup"], r["may_take"]) for r in rows] == [
        (handed[0].pk, True, True),
        (handed[1].pk, True, True),
    ]
    page = response.content.decode()
    assert page.count("Waiting for pick-up: Warehouse") == 2
    assert page.count(">Take it</button>") == 2
    assert f'action="{reverse("card-take", args=[handed[0].pk])}"' in page
    # oliver's queue keeps what is still his stage, not what he handed off.
    client.force_login(oliver)
    mine = [r["card"].pk for r in client.get(reverse("queue")).context["rows"]]
    assert mine == [agreed.pk]


def test_take_it_from_the_queue_page(client, o2c, oliver, wanda, acme):
    (card,) = _handed(o2c, oliver, acme, 1)
    client.force_login(wanda)
    response = client.post(
        reverse("card-take", args=[card.pk]),
        {"version": card.version, "next": reverse("queue")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("queue")
    assert RequestCard.objects.get(pk=card.pk).responsible == wanda
    # Taken: still in her queue, now as hers, without the button.
    row = client.get(reverse("queue")).context["rows"][0]
    assert (row["card"].pk, row["pickup"], row["may_take"]) == (card.pk, False, False)
    # A second take of the same version is told the card moved on (409 on the card page).
    late = client.post(reverse("card-take", args=[card.pk]), {"version": card.version})
    assert late.status_code == 409


def test_take_it_refused_to_the_previous_responsible(client, o2c, oliver, acme):
    (card,) = _handed(o2c, oliver, acme, 1)
    client.force_login(oliver)
    response = client.post(reverse("card-take", args=[card.pk]), {"version": card.version})
    assert response.status_code == 403
    assert "Only the members of Warehouse take cards at this stage." in response.content.decode()
    assert RequestCard.objects.get(pk=card.pk).responsible_id is None


@pytest.mark.parametrize("count", [2, 12])
def test_the_stage_queue_runs_a_fixed_number_of_queries(
    client, o2c, oliver, wanda, acme, count, django_assert_num_queries
):
    _handed(o2c, oliver, acme, count)
    client.force_login(wanda)
    # session, user, the filters' people, clients and saved views, count, page of cards,
    # statuses (with their stage groups), role map, the stage statuses, the bulk bar's block
    # reasons and statuses, the header's unread alerts
    with django_assert_num_queries(13):
        response = client.get(reverse("queue"))
    assert len(response.context["rows"]) == count


def test_the_card_page_shows_the_stage_take_it_and_the_history(client, o2c, oliver, wanda, acme):
    (card,) = _handed(o2c, oliver, acme, 1)
    client.force_login(wanda)
    page = client.get(reverse("card-detail", args=[card.pk])).content.decode()
    assert 'Warehouse: <span class="unassigned">waiting for pick-up</span>' in page
    assert f'action="{reverse("card-take", args=[card.pk])}"' in page
    client.post(reverse("card-take", args=[card.pk]), {"version": card.version})
    response = client.get(reverse("card-detail", args=[card.pk]))
    titles = [entry["title"] for entry in response.context["timeline"]][:3]
    assert titles == ["Taken from the queue", "Responsible changed", "Handed to Warehouse"]
    handed = next(e for e in response.context["timeline"] if e["title"] == "Handed to Warehouse")
    assert handed["details"] == ["Waiting for pick-up"]
    assert response.context["may_take"] is False
    # oliver still reads the card, without Take it.
    client.force_login(oliver)
    response = client.get(reverse("card-detail", args=[card.pk]))
    assert response.status_code == 200
    assert response.context["may_take"] is False


def test_the_card_page_refuses_the_previous_responsible_a_move(client, o2c, oliver, acme):
    (card,) = _handed(o2c, oliver, acme, 1)
    client.force_login(oliver)
    response = client.post(
        reverse("card-transition", kwargs={"card_id": card.pk, "name": "fulfil"}),
        {"version": card.version},
    )
    assert response.status_code == 403
    assert (
        "At “To ship” the card is with Warehouse: only its members (or the accountable) "
        "move it on from here." in response.content.decode()
    )
    assert RequestCard.objects.get(pk=card.pk).status == "awaiting_payment"


def test_the_admin_refuses_a_stage_group_without_a_role_in_the_process(o2c):
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError

    from processes.models import Status

    status = Status.objects.get(process=o2c, slug="agreed")
    status.stage_group = Group.objects.create(name="Drivers")
    with pytest.raises(ValidationError) as refused:
        status.full_clean()
    assert refused.value.message_dict["stage_group"] == [
        "Grant this group a role in the process first (executor)."
    ]


@pytest.mark.parametrize("count", [2, 12])
def test_the_board_with_handed_off_cards_runs_a_fixed_number_of_queries(
    client, o2c, oliver, wanda, acme, count, django_assert_num_queries
):
    _handed(o2c, oliver, acme, count)
    client.force_login(wanda)
    # As tests/processes/test_views.py's board (13), with the promises' two (the cards are
    # promised: stock's expected arrivals, and the typical times once a week per worker,
    # tests/processes/test_api_promise.py) and the handoffs adding none.
    with django_assert_num_queries(16):
        response = client.get(reverse("board"))
    assert response.status_code == 200
    assert response.content.decode().count("data-card=") == count
