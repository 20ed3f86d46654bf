"""Issue 14, points 1 and 2: card filters on the pages and the API, saved views, finished
columns, assign, bulk actions with per-card refusals."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from processes.filters import card_filter
from processes.models import Client, RequestCard, SavedView
from processes.services import card_block, card_transition, cards_bulk_apply


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def cards(make_card, alice, bob, acme):
    zeta = Client.objects.create(name="Zeta Hardware")
    mine = make_card(title="Drills", client=acme, responsible=alice, priority="urgent")
    nobody = make_card(title="Saws", client=zeta, channel="phone")
    blocked = make_card(title="Nails", client=zeta, responsible=bob)
    card_block(actor=alice, card=blocked, reason="waiting_stock")
    return {"mine": mine, "nobody": nobody, "blocked": blocked, "zeta": zeta}


def _ids(params, alice, now=None):
    class Request:
        user = alice

    f = card_filter(params, RequestCard.objects.all(), request=Request, now=now)
    assert f.is_valid(), f.errors
    return set(f.qs.values_list("pk", flat=True))


def test_each_filter_narrows_the_cards(cards, alice, bob):
    mine, nobody, blocked = cards["mine"], cards["nobody"], cards["blocked"]
    assert _ids({"q": "acme"}, alice) == {mine.pk}
    assert _ids({"q": "saw"}, alice) == {nobody.pk}
    assert _ids({"q": f"#{blocked.pk}"}, alice) == {blocked.pk}
    assert _ids({"responsible": "me"}, alice) == {mine.pk}
    assert _ids({"responsible": "unassigned"}, alice) == {nobody.pk}
    assert _ids({"responsible": str(bob.pk)}, alice) == {blocked.pk}
    assert _ids({"priority": "urgent"}, alice) == {mine.pk}
    assert _ids({"blocked": "true"}, alice) == {blocked.pk}
    assert _ids({"blocked": "false"}, alice) == {mine.pk, nobody.pk}
    assert _ids({"client": str(cards["zeta"].pk)}, alice) == {nobody.pk, blocked.pk}
    assert _ids({"channel": "phone"}, alice) == {nobody.pk}


def test_sla_filter_is_at_risk_or_breached_in_sql(cards, alice):
    mine = cards["mine"]
    mine.refresh_from_db()
    assert mine.due_at is not None and mine.at_risk_at is not None
    before = mine.at_risk_at - timedelta(minutes=1)
    risky = mine.at_risk_at + (mine.due_at - mine.at_risk_at) / 2
    late = mine.due_at + timedelta(minutes=1)
    assert mine.pk not in _ids({"sla": "at_risk"}, alice, now=before)
    assert mine.pk in _ids({"sla": "at_risk"}, alice, now=risky)
    assert mine.pk not in _ids({"sla": "breached"}, alice, now=risky)
    assert mine.pk in _ids({"sla": "breached"}, alice, now=late)
    assert mine.pk not in _ids({"sla": "at_risk"}, alice, now=late)


def test_at_risk_or_late_takes_both_and_the_page_offers_it_first(cards, alice, as_alice):
    # Issue 22: ops had 12 late cards and the "At risk" filter showed none of them.
    mine = cards["mine"]
    mine.refresh_from_db()
    risky = mine.at_risk_at + (mine.due_at - mine.at_risk_at) / 2
    late = mine.due_at + timedelta(minutes=1)
    wanted = {"sla": "at_risk_or_late"}
    assert mine.pk not in _ids(wanted, alice, now=mine.at_risk_at - timedelta(minutes=1))
    assert mine.pk in _ids(wanted, alice, now=risky)
    assert mine.pk in _ids(wanted, alice, now=late)
    assert _ids(wanted, alice, now=late) == _ids({"sla": "at_risk"}, alice, now=late) | _ids(
        {"sla": "breached"}, alice, now=late
    )
    with time_machine.travel(late, tick=False):
        page = as_alice.get(reverse("queue"), wanted)
        api = as_alice.get("/api/cards/", wanted)
    assert page.status_code == 200 and api.status_code == 200
    assert mine.pk in {c["id"] for c in api.json()["results"]}
    html = page.content.decode()
    options = html[html.index('id="f-sla"') : html.index("</select>", html.index('id="f-sla"'))]
    assert options.index("At risk or late") < options.index("At risk, not yet late")
    assert '<option value="at_risk_or_late" selected>At risk or late</option>' in options
    assert "Late (breached)" in options


@pytest.mark.parametrize(
    "params,field",
    [
        ({"responsible": "someone"}, "responsible"),
        ({"priority": "huge"}, "priority"),
        ({"sla": "late"}, "sla"),
        ({"blocked": "maybe"}, "blocked"),
        ({"client": "999999"}, "client"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_a_bad_filter_is_a_field_error_on_the_page_and_the_api(as_alice, cards, params, field):
    page = as_alice.get(reverse("board"), params)
    assert page.status_code == 400
    assert f'data-filter-error="{field}"' in page.content.decode()
    api = as_alice.get("/api/cards/", params)
    assert api.status_code == 400
    assert field in api.json()


def test_board_queue_and_risks_filter_by_the_url(as_alice, cards):
    for name in ["board", "queue"]:
        html = as_alice.get(reverse(name), {"q": "acme", "responsible": "me"}).content.decode()
        assert "Drills" in html and "Saws" not in html and "Nails" not in html
    html = as_alice.get(reverse("risks"), {"q": "nails"}).content.decode()
    assert "Nails" in html


def test_api_search_and_filters(as_alice, cards):
    data = as_alice.get("/api/cards/", {"search": "zeta", "blocked": "false"}).json()
    assert [c["id"] for c in data["results"]] == [cards["nobody"].pk]
    data = as_alice.get("/api/cards/", {"responsible": "me"}).json()
    assert [c["id"] for c in data["results"]] == [cards["mine"].pk]


def test_saved_views_are_per_user_and_can_be_deleted(as_alice, cards, alice, bob):
    response = as_alice.post(
        reverse("saved-view-create"),
        {"page": "board", "name": "My urgent", "query": "responsible=me&priority=urgent"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?responsible=me&priority=urgent")
    view = SavedView.objects.get(user=alice)
    assert "My urgent" in as_alice.get(reverse("board")).content.decode()
    again = as_alice.post(
        reverse("saved-view-create"), {"page": "board", "name": "My urgent", "query": ""}
    )
    assert again.status_code == 409
    assert (
        as_alice.post(reverse("saved-view-create"), {"page": "x", "name": "a"}).status_code == 400
    )
    SavedView.objects.create(user=bob, page="board", name="Bob's", query="")
    assert "Bob&#x27;s" not in as_alice.get(reverse("board")).content.decode()
    other = SavedView.objects.get(user=bob)
    assert as_alice.post(reverse("saved-view-delete", args=[other.pk])).status_code == 404
    assert as_alice.post(reverse("saved-view-delete", args=[view.pk])).status_code == 302
    assert not SavedView.objects.filter(user=alice).exists()


def test_finished_columns_show_the_true_count_and_only_the_last_week(as_alice, make_card, alice):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        old = make_card(title="Lost long ago")
        card_transition(actor=alice, card=old, name="mark_lost", lost_reason="Price")
    recent = make_card(title="Lost this week")
    card_transition(actor=alice, card=recent, name="mark_lost", lost_reason="Price")
    with time_machine.travel(now, tick=False):
        as_alice.force_login(alice)
        response = as_alice.get(reverse("board"))
        lost = next(c for c in response.context["columns"] if c.status.slug == "lost")
        assert lost.count == 2
        assert [c.pk for c in lost.cards] == [recent.pk]
        html = response.content.decode()
        assert "Lost this week" in html and "Lost long ago" not in html
        column = as_alice.get(reverse("board-column", args=["lost"]), {"process": "order-to-cash"})
        assert column.status_code == 200
        assert "Lost long ago" in column.content.decode()
        assert "Lost this week" in column.content.decode()


def test_assign_to_me_from_the_board(as_alice, cards, alice):
    nobody = cards["nobody"]
    response = as_alice.post(
        reverse("card-assign", args=[nobody.pk]),
        {"responsible": "me", "version": nobody.version, "next": reverse("board")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("board")
    nobody.refresh_from_db()
    assert nobody.responsible == alice


def test_assign_refusals(client, as_alice, cards, olga, charlie):
    nobody = cards["nobody"]
    stale = as_alice.post(
        reverse("card-assign", args=[nobody.pk]), {"responsible": "me", "version": 99}
    )
    assert stale.status_code == 409
    outsider = as_alice.post(
        reverse("card-assign", args=[nobody.pk]), {"responsible": str(charlie.pk)}
    )
    assert outsider.status_code == 400
    client.force_login(olga)
    forbidden = client.post(reverse("card-assign", args=[nobody.pk]), {"responsible": "me"})
    assert forbidden.status_code == 403
    client.force_login(charlie)
    assert client.post(reverse("card-assign", args=[nobody.pk])).status_code == 404


def test_bulk_actions_check_each_card_and_list_refusals(cards, alice, make_card, acme):
    mine, nobody, blocked = cards["mine"], cards["nobody"], cards["blocked"]
    result = cards_bulk_apply(
        actor=alice, cards=[mine, nobody, blocked], action="block", reason="waiting_stock"
    )
    assert sorted(result.done) == sorted([mine.pk, nobody.pk])
    assert list(result.refused) == [blocked.pk]

    fresh = make_card(title="Bolts", client=acme)
    qualified = make_card(title="Screws", client=acme)
    card_transition(actor=alice, card=qualified, name="qualify")
    result = cards_bulk_apply(
        actor=alice, cards=[fresh, qualified], action="move", target="qualified"
    )
    assert result.done == [fresh.pk]
    assert "no move" in result.refused[qualified.pk]


def test_bulk_view_reports_refusals_by_card(as_alice, cards, alice):
    mine, blocked = cards["mine"], cards["blocked"]
    response = as_alice.post(
        reverse("cards-bulk"),
        {"card": [mine.pk, blocked.pk, 999999], "action": "block", "reason": "waiting_stock"},
        follow=True,
    )
    html = response.content.decode()
    assert "1 card changed" in html
    assert f"#{blocked.pk} refused" in html
    assert "#999999 refused: No such card." in html
    bad = as_alice.post(reverse("cards-bulk"), {"card": [mine.pk], "action": "fly"})
    assert bad.status_code == 302 and bad["Location"] == reverse("queue")


def test_a_bulk_action_with_nothing_ticked_says_so_on_the_same_page(as_alice, cards):
    # Issue 22: it used to leave the queue for a bare page.
    back = reverse("queue") + "?q=Drills"
    response = as_alice.post(
        reverse("cards-bulk"), {"action": "block", "reason": "", "next": back}, follow=True
    )

    assert response.redirect_chain == [(back, 302)]
    html = response.content.decode()
    assert "Nothing was changed: Tick at least one card." in html
    assert "Nothing was changed: Give the reason of the block." in html
    assert 'id="bulk-action"' in html  # the queue, with its bulk bar


def test_bulk_unblock_unblocks_each_card_and_refuses_those_not_blocked(cards, alice):
    mine, blocked = cards["mine"], cards["blocked"]

    result = cards_bulk_apply(
        actor=alice, cards=[mine, blocked], action="unblock", note="Stock arrived"
    )

    assert result.done == [blocked.pk]
    assert result.refused == {mine.pk: "The card is not blocked."}
    blocked.refresh_from_db()
    assert not blocked.is_blocked


def test_drag_and_drop_answers_json_with_the_refusal_in_words(as_alice, cards):
    nobody = cards["nobody"]
    moved = as_alice.post(
        reverse("card-transition", args=[nobody.pk, "qualify"]),
        {"version": nobody.version},
        HTTP_ACCEPT="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["status"] == "qualified"
    # The new status's clock, for the board to redraw the tile's deadline mark (issue 22).
    nobody.refresh_from_db()
    assert moved.json()["sla"]["state"] == "on_track"
    assert moved.json()["sla"]["text"].endswith("left")
    refused = as_alice.post(
        reverse("card-transition", args=[nobody.pk, "close"]),
        {"version": moved.json()["version"]},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["detail"]


def test_the_board_picker_assigns_by_username(as_alice, cards, bob):
    nobody = cards["nobody"]
    page = as_alice.get(reverse("board")).content.decode()
    assert 'list="board-people"' in page and '<option value="bob">' in page
    response = as_alice.post(reverse("card-assign", args=[nobody.pk]), {"responsible": "bob"})
    assert response.status_code == 302
    nobody.refresh_from_db()
    assert nobody.responsible == bob


def test_the_card_page_offers_assign_to_me_and_a_picker(as_alice, cards, alice, bob):
    nobody = cards["nobody"]
    html = as_alice.get(reverse("card-detail", args=[nobody.pk])).content.decode()
    assert reverse("card-assign", args=[nobody.pk]) in html
    assert "Assign to me" in html
    assert f'<option value="{bob.pk}">' in html
    response = as_alice.post(
        reverse("card-assign", args=[nobody.pk]), {"assign": "me", "responsible": ""}
    )
    assert response.status_code == 302
    nobody.refresh_from_db()
    assert nobody.responsible == alice


def test_risks_rows_assign_to_me_or_a_person(as_alice, cards, alice, bob):
    nobody = cards["nobody"]
    RequestCard.objects.filter(pk=nobody.pk).update(
        at_risk_at=timezone.now() - timedelta(minutes=1)
    )
    html = as_alice.get(reverse("risks")).content.decode()
    assert f'id="assign-{nobody.pk}"' in html and 'list="risk-people"' in html
    response = as_alice.post(
        reverse("card-assign", args=[nobody.pk]),
        {"responsible": "bob", "next": reverse("risks")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("risks")
    nobody.refresh_from_db()
    assert nobody.responsible == bob


def test_a_tiles_age_is_labelled(as_alice, cards):
    html = as_alice.get(reverse("board")).content.decode()
    tile = html[html.index(f'data-card="{cards["mine"].pk}"') :]
    top = tile[: tile.index("</div>")]

    assert '<span class="tile-age-label">Age </span>' in top
    assert 'title="Age: created ' in top
