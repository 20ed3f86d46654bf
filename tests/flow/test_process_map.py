"""The map, designed vs actual, on a hand-built history (o2c, Berlin calendar 09:00-18:00,
Monday to Friday; the window is Monday 2 to Friday 13 November 2026, no holiday in it):

- A: created Mon 2 09:00, qualify 11:00, mark lost 14:00. Designed throughout.
- B: created Mon 2 09:00, qualify 10:00; Tue 3 10:00 two moves at the same instant, the tie
  broken by id: qualified -> priced (designed), then priced -> qualified (not designed: rework,
  a repeated status); Wed 4 10:00 qualified -> lost.
- C: created Mon 9 09:00; 12:00 received -> priced (not designed, skips qualified); Tue 10
  12:00 priced -> lost.
- D: created Mon 9 10:00; 15:00 received -> agreed (not designed); still open in agreed.
- E: created Fri 30 Oct 09:00, qualify 10:00 (both before the window); Mon 2 09:30 lost.

Business hours in each visit (time until the next move):
received A 2, B 1, C 3, D 5; qualified A 3, B 9 (Mon 10-18, Tue 9-10) and 9 again, E 8.5;
priced B 0, C 9 (Mon 12-18, Tue 9-12).
"""

from datetime import date, datetime, time, timedelta

import pytest

from processes.models import Event, EventKind, RequestCard
from tests.flow.conftest import BERLIN
from tests.processes.test_api import api_as

URL = "/api/processes/order-to-cash/map/"
CARDS = "/api/processes/order-to-cash/map/cards/"
WINDOW = {"from": "2026-11-02", "to": "2026-11-14"}


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour, minute), tzinfo=BERLIN)


def card_with(process, actor, status, moves):
    card = RequestCard.objects.create(process=process, title="Map", created_by=actor)
    RequestCard.objects.filter(pk=card.pk).update(status=status)
    Event.objects.bulk_create(
        Event(
            card=card,
            kind=EventKind.CREATED if source is None else EventKind.TRANSITION,
            at=moment,
            from_status=source or "",
            to_status=target,
        )
        for moment, source, target in moves
    )
    return card.pk


@pytest.fixture
def history(o2c, alice):
    cards = {
        "A": card_with(
            o2c,
            alice,
            "lost",
            [
                (at(2, 9), None, "received"),
                (at(2, 11), "received", "qualified"),
                (at(2, 14), "qualified", "lost"),
            ],
        ),
        "B": card_with(
            o2c,
            alice,
            "lost",
            [
                (at(2, 9), None, "received"),
                (at(2, 10), "received", "qualified"),
                (at(3, 10), "qualified", "priced"),
                (at(3, 10), "priced", "qualified"),
                (at(4, 10), "qualified", "lost"),
            ],
        ),
        "C": card_with(
            o2c,
            alice,
            "lost",
            [
                (at(9, 9), None, "received"),
                (at(9, 12), "received", "priced"),
                (at(10, 12), "priced", "lost"),
            ],
        ),
        "D": card_with(
            o2c,
            alice,
            "agreed",
            [
                (at(9, 10), None, "received"),
                (at(9, 15), "received", "agreed"),
            ],
        ),
        "E": card_with(
            o2c,
            alice,
            "lost",
            [
                (at(30, 9, month=10), None, "received"),
                (at(30, 10, month=10), "received", "qualified"),
                (at(2, 9, 30), "qualified", "lost"),
            ],
        ),
    }
    return cards


def cards_of(client, **figure) -> list[int]:
    """The cards behind one figure, read when it is opened (not with the map)."""
    body = client.get(CARDS, {**WINDOW, **figure}).json()
    assert body["total"] == len(body["cards"])
    return body["cards"]


def test_map_counts_times_and_conformance(history, alice):
    A, B, C, D, E = (history[k] for k in "ABCDE")
    client = api_as(alice)
    body = client.get(URL, WINDOW).json()
    nodes = {n["status"]: n for n in body["nodes"]}
    assert {
        s: (n["visits"], n["p50_hours"], n["p85_hours"], n["wip_now"])
        for s, n in nodes.items()
        if n["visits"] or n["wip_now"]
    } == {
        # [1, 2, 3, 5]: P85 at rank 2.55 = 3 + 0.55 x 2
        "received": (4, 2.5, 4.1, 0),
        "qualified": (3, 9.0, 9.0, 0),  # A 3, B 9 and 9 (E's visit began before the window)
        "priced": (2, 4.5, 7.65, 0),  # B 0 (the tie), C 9
        "agreed": (1, None, None, 1),  # D, still there
        "lost": (4, None, None, 0),
    }
    assert cards_of(client, status="received") == sorted([A, B, C, D])
    assert cards_of(client, status="qualified") == sorted([A, B])
    edges = {(e["from"], e["to"]): e for e in body["edges"]}
    used = {
        pair: (e["count"], e["designed"], e["p50_hours"], e["p85_hours"])
        for pair, e in edges.items()
        if e["count"]
    }
    assert used == {
        ("received", "qualified"): (2, True, 1.5, 1.85),
        ("qualified", "lost"): (3, True, 8.5, 8.85),  # A 3, E 8.5, B 9
        ("qualified", "priced"): (1, True, 9.0, 9.0),
        ("priced", "qualified"): (1, False, 0.0, 0.0),
        ("received", "priced"): (1, False, 3.0, 3.0),
        ("priced", "lost"): (1, True, 9.0, 9.0),
        ("received", "agreed"): (1, False, 5.0, 5.0),
    }
    # Designed moves nobody made are listed with no count.
    assert edges[("priced", "agreed")]["count"] == 0 and edges[("priced", "agreed")]["designed"]
    assert cards_of(client, move="priced>qualified") == [B]
    assert cards_of(client, move="qualified>lost") == sorted([A, B, E])
    assert cards_of(client, move="priced>agreed") == []  # designed, never used
    assert body["rework"] == {"cards": 1, "share": 0.2}
    assert cards_of(client, rework=1) == [B]
    assert body["conformance"] == {
        "finished": 4,
        "conforming": 2,  # A and E
        "rate": 0.5,
        "deviations": {"undesigned": 1, "skipped": 1, "repeated": 1},
    }
    assert {
        kind: cards_of(client, deviation=kind) for kind in ("undesigned", "skipped", "repeated")
    } == {"undesigned": [B], "skipped": [C], "repeated": [B]}
    variants = [
        (v["path"], v["cards"], v["share"], cards_of(client, variant=k))
        for k, v in enumerate(body["variants"])
    ]
    assert variants == [
        (["received", "qualified", "lost"], 2, 0.5, sorted([A, E])),
        (["received", "priced", "lost"], 1, 0.25, [C]),
        (["received", "qualified", "priced", "qualified", "lost"], 1, 0.25, [B]),
    ]
    # Lead times: A 5 h, E 3 days 30 min -> median 1.61 days; B 2 days 1 hour.
    assert body["variants"][0]["p50_lead_days"] == 1.61
    assert body["variants"][2]["p50_lead_days"] == 2.04


def test_map_agrees_with_the_card_event_api(history, alice):
    """An independent count: each card's moves from /api/cards/{id}/events/, kept when their
    time falls in the window."""
    client = api_as(alice)
    start, end = at(2, 0), at(14, 0)
    visits, moves = {}, {}
    for card in history.values():
        events = [
            e
            for e in client.get(f"/api/cards/{card}/events/").json()
            if e["kind"] in ("created", "transition")
        ]
        for e in events:
            moment = datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
            if start <= moment < end:
                visits[e["to_status"]] = visits.get(e["to_status"], 0) + 1
                if e["kind"] == "transition":
                    pair = (e["from_status"], e["to_status"])
                    moves[pair] = moves.get(pair, 0) + 1
    body = client.get(URL, WINDOW).json()
    assert {n["status"]: n["visits"] for n in body["nodes"] if n["visits"]} == visits
    assert {(e["from"], e["to"]): e["count"] for e in body["edges"] if e["count"]} == moves


def test_a_narrower_window_counts_only_its_moves(history, alice):
    body = api_as(alice).get(URL, {"from": "2026-11-09", "to": "2026-11-10"}).json()
    assert {n["status"]: n["visits"] for n in body["nodes"] if n["visits"]} == {
        "received": 2,
        "priced": 1,
        "agreed": 1,
    }
    assert body["conformance"]["finished"] == 0 and body["conformance"]["rate"] is None


@pytest.mark.parametrize(
    "params, field",
    [({"from": "2026-13-01"}, "from"), ({"from": "2026-11-10", "to": "2026-11-09"}, "to")],
)
def test_bad_windows_get_field_errors(o2c, alice, params, field):
    response = api_as(alice).get(URL, params)
    assert response.status_code == 400 and field in response.json()


def test_outsiders_get_404(o2c, charlie):
    assert api_as(charlie).get(URL).status_code == 404
    assert api_as(charlie).get(CARDS, {"rework": 1}).status_code == 404


def test_the_map_lists_no_cards_and_each_figure_opens_them(history, alice):
    """The map carries its figures only; the cards behind one are read when it is opened (a
    figure that names nothing: 404; a bad window or a blank parameter: 400)."""
    client = api_as(alice)
    body = client.get(URL, WINDOW).json()
    assert all("cards" not in node for node in body["nodes"])
    assert "card_ids" not in body["rework"] and "deviating_cards" not in body["conformance"]
    assert client.get(CARDS, {**WINDOW, "status": "nowhere"}).status_code == 404
    assert client.get(CARDS, {**WINDOW, "variant": "9"}).status_code == 404
    assert client.get(CARDS, WINDOW).status_code == 404
    assert client.get(CARDS, {"from": "2026-13-01", "rework": 1}).status_code == 400
    assert client.get(CARDS, {**WINDOW, "status": ""}).status_code == 400
    opened = client.get(CARDS, {**WINDOW, "variant": "0"}).json()
    assert opened == {
        "title": "Path received → qualified → lost",
        "total": 2,
        "cards": sorted([history["A"], history["E"]]),
    }


def test_default_window_is_twelve_weeks(o2c, alice):
    body = api_as(alice).get(URL).json()
    first = date.fromisoformat(body["window"]["from"])
    assert date.fromisoformat(body["window"]["to"]) - first == timedelta(weeks=12)


def test_map_page_draws_the_map_and_opens_the_cards_behind_each_number(client, history, alice):
    client.force_login(alice)
    page = client.get("/processes/order-to-cash/map/", WINDOW).content.decode()
    assert page.count('class="process-map"') == 1 and 'data-status="qualified"' in page
    assert 'data-move="priced&gt;qualified"' in page  # the rework loop, drawn
    assert "50% of the 4 finished cards" in page
    rework = client.get("/processes/order-to-cash/map/cards/", {**WINDOW, "rework": 1})
    assert f"/cards/{history['B']}/" in rework.content.decode()
    loop = client.get("/processes/order-to-cash/map/cards/", {**WINDOW, "move": "priced>qualified"})
    assert f"/cards/{history['B']}/" in loop.content.decode()
    assert f"/cards/{history['A']}/" not in loop.content.decode()
    nothing = client.get("/processes/order-to-cash/map/cards/", {**WINDOW, "status": "nowhere"})
    assert nothing.status_code == 404


def test_map_pages_hidden_from_outsiders(client, o2c, charlie):
    client.force_login(charlie)
    assert client.get("/processes/order-to-cash/map/").status_code == 404
    assert client.get("/processes/order-to-cash/map/cards/", {"rework": 1}).status_code == 404


def test_a_figure_parameter_of_the_wrong_type_is_a_field_error_whichever_names_the_figure(
    history, alice
):
    # schemathesis: `?rework=x&variant=true` answered the rework's cards, the variant unread.
    client = api_as(alice)
    answer = client.get(CARDS, {**WINDOW, "rework": "x", "variant": "true"})
    assert (answer.status_code, list(answer.json())) == (400, ["variant"])
    answer = client.get(CARDS, {**WINDOW, "status": "new", "deviation": "odd"})
    assert (answer.status_code, list(answer.json())) == (400, ["deviation"])
    assert client.get(CARDS, {**WINDOW, "rework": "x", "variant": "0"}).status_code == 200


def test_the_cards_page_says_what_is_wrong_with_a_link_edited_by_hand(client, history, alice):
    # The page took `?rework=1&variant=true` as the rework's cards and a bad `from` as the
    # default window: other cards than the link asked for, and no word of it.
    client.force_login(alice)
    page = "/processes/order-to-cash/map/cards/"
    for asked, field in (
        ({**WINDOW, "rework": "1", "variant": "true"}, "variant"),
        ({**WINDOW, "status": "received", "deviation": "odd"}, "deviation"),
        ({"from": "2026-13-01", "to": "2026-11-14", "rework": "1"}, "from"),
    ):
        answer = client.get(page, asked)
        text = answer.content.decode()
        assert answer.status_code == 400, asked
        assert f"<li>{field}: " in text and "data-map-cards" not in text
        assert f"/cards/{history['B']}/" not in text
    assert client.get(page, {**WINDOW, "rework": "1", "variant": "0"}).status_code == 200
