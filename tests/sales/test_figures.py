"""Repeat sales' weekly figures on a hand-built history, every value written out: orders and
repeat orders, reactivations opened, won and lost, by client segment; kept with the week's
snapshot of order to cash, where the catalogue's entries (and key results) read them. The
figures of many weeks at once (the year's backfill) equal each week's, on that history edited
and on a random one, and the walk over many weeks stores them computed once."""

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from metrics import sections
from metrics.catalogue import METRICS, dimension_values
from metrics.models import WeeklyFigure, WeeklySnapshot
from metrics.services import weekly_snapshot_compute, weekly_snapshots_walk
from opmodel.errors import DomainError
from processes.models import Client, Process, RequestCard
from processes.services import card_transition, card_update
from processes.services.clients import client_update
from sales.models import Reactivation
from sales.selectors.figures import repeat_sales_figures, repeat_sales_figures_weeks
from sales.services import reactivation_scan

WEEK = "2030-W10"  # Monday 2030-03-04 to Sunday 2030-03-10 (Europe/Berlin)


def at(day, hour=12):
    return datetime(2030, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def history(make_client, wholesale, retail, sam, order, reactivation):
    """Clients since 2030-01-01. A and B wholesale (30 days), C and E retail (60 days), D none.
    Before the week: A ordered on Feb 20, C on Mar 1 (W09), E on Jan 1.
    The scan of Monday 09:00 opens B (never ordered: due since Jan 31) and E (due Mar 2).
    In the week: A orders Tuesday and Wednesday (both repeat), B Tuesday (its first), C Thursday
    (repeat), D Thursday (its first), and a card without a client Thursday. B's reactivation is
    won on Wednesday (its order linked), E's lost on Friday."""
    a, b = make_client("A", wholesale, sam), make_client("B", wholesale, sam)
    c, e = make_client("C", retail, sam), make_client("E", retail, sam)
    d = make_client("D")
    order(a, datetime(2030, 2, 20, 12, tzinfo=UTC))
    order(c, at(1))
    order(e, datetime(2030, 1, 1, 12, tzinfo=UTC))
    opened = reactivation_scan(now=at(4, 9))["opened"]
    assert sorted(RequestCard.objects.get(pk=i).client.name for i in opened) == ["B", "E"]
    order(a, at(5))
    order(b, at(5, 13))
    order(a, at(6))
    order(c, at(7))
    order(d, at(7))
    order(None, at(7))
    cards = {r.client.name: r.card for r in Reactivation.objects.select_related("card", "client")}
    card_transition(actor=sam, card=cards["B"], name="win", at=at(6, 15))
    card_transition(
        actor=sam, card=cards["E"], name="mark_lost", lost_reason="Closed the shop", at=at(8)
    )
    # After the week: a later order and win count in W11, not here.
    order(d, at(11))


def test_weekly_figures_by_segment(history, o2c):
    figures = repeat_sales_figures(o2c, WEEK, now=at(12))
    assert figures == {
        "orders": 6,
        "repeat_orders": 3,
        "reactivations_opened": 2,
        "reactivations_won": 1,
        "reactivations_lost": 1,
        "repeat_share": 0.5,
        "by_segment": {
            "No segment": {
                "orders": 2,
                "repeat_orders": 0,
                "reactivations_opened": 0,
                "reactivations_won": 0,
                "reactivations_lost": 0,
            },
            "Retail": {
                "orders": 1,
                "repeat_orders": 1,
                "reactivations_opened": 1,
                "reactivations_won": 0,
                "reactivations_lost": 1,
            },
            "Wholesale": {
                "orders": 3,
                "repeat_orders": 2,
                "reactivations_opened": 1,
                "reactivations_won": 1,
                "reactivations_lost": 0,
            },
        },
    }
    # The week before: C's order of Mar 1 is its first; no reactivation yet.
    before = repeat_sales_figures(o2c, "2030-W09", now=at(12))
    assert (before["orders"], before["repeat_orders"], before["reactivations_opened"]) == (1, 0, 0)
    # The week in progress counts up to now only: Tuesday noon.
    so_far = repeat_sales_figures(o2c, WEEK, now=at(5, 12).replace(minute=30))
    assert (so_far["orders"], so_far["repeat_orders"], so_far["reactivations_won"]) == (1, 1, 0)


def test_a_tie_at_the_same_instant_counts_the_later_written_as_the_repeat(
    make_client, wholesale, order, o2c
):
    client = make_client("Twin", wholesale)
    order(client, at(5))
    order(client, at(5))
    figures = repeat_sales_figures(o2c, WEEK, now=at(12))
    assert (figures["orders"], figures["repeat_orders"]) == (2, 1)


def test_other_processes_have_no_repeat_sales_section(history, reactivation, o2c):
    from processes.models import Process

    other = Process.objects.create(slug="hiring", name="Hiring")
    assert repeat_sales_figures(other, WEEK, now=at(12)) is None
    assert repeat_sales_figures(reactivation, WEEK, now=at(12))["reactivations_won"] == 1


def test_the_snapshot_keeps_them_for_key_results(history, o2c):
    weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=at(12))
    rows = {
        (f.metric, f.dimension): f.value
        for f in WeeklyFigure.objects.filter(
            snapshot__process=o2c, snapshot__week=WEEK, metric__startswith="sales."
        )
    }
    repeat, won = METRICS["repeat_orders"], METRICS["reactivations_won"]
    assert rows[(repeat.figure, "")] == 3.0
    assert rows[(repeat.figure_for("Wholesale"), "Wholesale")] == 2.0
    assert rows[(repeat.figure_for("Retail"), "Retail")] == 1.0
    assert rows[(won.figure, "")] == 1.0
    assert rows[(won.figure_for("Wholesale"), "Wholesale")] == 1.0
    assert rows[(won.figure_for("Retail"), "Retail")] == 0.0
    assert dimension_values(repeat, o2c) == ["Retail", "Wholesale"]


def test_a_key_result_follows_repeat_orders_by_segment(history, o2c, bob):
    from datetime import date

    from goals.models import KeyResultWeek
    from goals.services import goal_create, key_result_create

    weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=at(12))
    goal = goal_create(
        actor=bob,
        title="Grow repeat sales",
        starts_on=date(2030, 3, 4),
        ends_on=date(2030, 8, 31),
        owner=bob,
        cadence="weekly",
        processes=[o2c],
        now=at(12),
    )
    made = {
        dimension: key_result_create(
            actor=bob,
            goal=goal,
            process=o2c,
            metric="repeat_orders",
            kind="target",
            target=5,
            dimension=dimension,
            deadline=date(2030, 8, 31),
            now=at(12),
        )
        for dimension in ("", "Wholesale", "Retail")
    }
    values = {
        d: KeyResultWeek.objects.get(key_result=kr, week=WEEK).value for d, kr in made.items()
    }
    assert values == {"": 3.0, "Wholesale": 2.0, "Retail": 1.0}


def test_the_cards_behind_each_number(history, o2c, alice, sam, charlie, client):
    from django.urls import reverse

    url = reverse("repeat-sales-cards")
    params = {"process": "order-to-cash", "week": WEEK}
    with time_machine.travel(at(12), tick=False):
        client.force_login(sam)  # works in order to cash and in reactivation

        def titles(**extra):
            answer = client.get(url, {**params, **extra})
            assert answer.status_code == 200
            return [(c.client.name if c.client else None) for c in answer.context["cards"]]

        assert titles(figure="repeat_orders") == ["A", "A", "C"]
        assert titles(figure="repeat_orders", segment="Wholesale") == ["A", "A"]
        assert titles(figure="orders", segment="No segment") == ["D", None]
        assert titles(figure="reactivations_won") == ["B"]
        assert titles(figure="reactivations_lost", segment="Retail") == ["E"]
        assert titles(figure="reactivations_opened", segment="Retail") == ["E"]
        assert client.get(url, {**params, "figure": "nonsense"}).status_code == 400
        bad_week = {**params, "figure": "orders", "week": "2030-W99"}
        assert client.get(url, bad_week).status_code == 400
        assert client.get(url, {**params, "figure": "orders", "process": "nope"}).status_code == 404
        assert client.post(url, {**params, "figure": "orders"}).status_code == 405
        # Only the cards one may see: alice works in order to cash alone.
        client.force_login(alice)
        assert titles(figure="reactivations_won") == []
        assert titles(figure="repeat_orders", segment="Wholesale") == ["A", "A"]
        client.force_login(charlie)
        assert client.get(url, {**params, "figure": "orders"}).status_code == 404


def test_a_client_given_a_week_later_changes_no_past_week(history, o2c, alice, client):
    """The card of Thursday without a client is given D the week after (and A's Wednesday
    order is moved to B): the week's figures and cards read the clients as at its end."""
    from django.urls import reverse

    from processes.models import Client
    from processes.services import card_update

    before = repeat_sales_figures(o2c, WEEK, now=at(12))
    nobody = RequestCard.objects.get(client__isnull=True, process=o2c)
    a_wednesday = RequestCard.objects.get(client__name="A", created_at=at(6))
    card_update(actor=alice, card=nobody, changes={"client": Client.objects.get(name="D")},
                at=at(12))  # fmt: skip
    card_update(actor=alice, card=a_wednesday, changes={"client": Client.objects.get(name="B")},
                at=at(12))  # fmt: skip
    assert repeat_sales_figures(o2c, WEEK, now=at(13)) == before
    with time_machine.travel(at(13), tick=False):
        client.force_login(alice)
        answer = client.get(
            reverse("repeat-sales-cards"),
            {"process": "order-to-cash", "week": WEEK, "figure": "repeat_orders"},
        )
    # As before: A's orders of Tuesday and Wednesday and C's of Thursday.
    expected = [RequestCard.objects.get(client__name="A", created_at=at(5)).pk, a_wednesday.pk]
    expected.append(RequestCard.objects.get(client__name="C", created_at=at(7)).pk)
    assert sorted(c.pk for c in answer.context["cards"]) == sorted(expected)
    # The week after counts them as they are now: D's card of Mar 11 is now its third order.
    after = repeat_sales_figures(o2c, "2030-W11", now=at(13))
    assert (after["orders"], after["repeat_orders"]) == (1, 1)


def test_orders_count_under_their_clients_segment_as_at_the_weeks_end(
    history, o2c, alice, wholesale, retail
):
    """C (retail) moves to wholesale on Saturday, within the week: its Thursday order counts
    there. A (wholesale) moves to retail on Monday after the week, and D (no segment) to
    wholesale: the week's figures keep them where they were at its end."""

    def orders_by_segment(week, now):
        figures = repeat_sales_figures(o2c, week, now=now)
        return {
            name: (row["orders"], row["repeat_orders"])
            for name, row in figures["by_segment"].items()
        }

    a, c, d = (Client.objects.get(name=n) for n in "ACD")
    client_update(client=c, changes={"segment": wholesale}, actor=alice, now=at(9))
    client_update(client=a, changes={"segment": retail}, actor=alice, now=at(11, 9))
    client_update(client=d, changes={"segment": wholesale}, actor=alice, now=at(11, 9))
    assert orders_by_segment(WEEK, at(12)) == {
        "No segment": (2, 0),  # D's and the card without a client
        "Retail": (0, 0),  # every segment is listed
        "Wholesale": (4, 3),  # A twice, B, C
    }
    # Week 11: D's order of Monday 12:00, after D moved to wholesale at 09:00.
    assert orders_by_segment("2030-W11", at(13)) == {"Retail": (0, 0), "Wholesale": (1, 1)}


EDITED_WEEKS = [
    f"2030-W{n:02d}" for n in range(6, 14)
]  # W12 in progress at EDITED_NOW, W13 to come
EDITED_NOW = at(20)  # Wednesday of 2030-W12


@pytest.fixture
def edited(history, o2c, alice, sam, order, make_client, wholesale, retail):
    """The history above, edited: A's Tuesday order given to B inside the week and back to A
        the week after; E's order of Jan 1 given to C before every week measured; the card without
        a client given D after every week; B's Tuesday order given to nobody the week after; C
        moves to wholesale inside the week, A to retail the week after, D to retail after every
        week. F orders twice at the same instant (W11); the first of the two is given to nobody
    after every week. G, quiet since Jan 1, gets a reactivation
        opened in W11 and lost in W12; an order of W12 comes after now. W06 has no orders."""
    a, b, c, d, e = (Client.objects.get(name=n) for n in "ABCDE")
    f, g = make_client("F", retail, sam), make_client("G", wholesale, sam)
    card = {
        (x.client.name if x.client else None, x.created_at): x
        for x in RequestCard.objects.filter(process=o2c)
    }
    moves = [
        (card[("A", at(5))], b, at(6)),
        (card[("A", at(5))], a, at(13)),
        (card[("E", datetime(2030, 1, 1, 12, tzinfo=UTC))], c, datetime(2030, 1, 20, tzinfo=UTC)),
        (card[(None, at(7))], d, at(25)),
        (card[("B", at(5, 13))], None, at(12)),
    ]
    for moved, client, when in moves:
        card_update(actor=alice, card=moved, changes={"client": client}, at=when)
    client_update(client=c, changes={"segment": wholesale}, actor=alice, now=at(9))
    client_update(client=a, changes={"segment": retail}, actor=alice, now=at(11, 9))
    client_update(client=d, changes={"segment": retail}, actor=alice, now=at(25))
    f_first = order(f, at(12, 10))
    order(f, at(12, 10))
    card_update(actor=alice, card=f_first, changes={"client": None}, at=at(26))
    card_update(actor=alice, card=order(None, at(5, 9)), changes={"client": f}, at=at(26))
    order(g, datetime(2030, 1, 1, 12, tzinfo=UTC))
    opened = reactivation_scan(now=at(12, 9))["opened"]
    g_card = next(
        RequestCard.objects.get(pk=pk)
        for pk in opened
        if RequestCard.objects.get(pk=pk).client == g
    )
    card_transition(actor=sam, card=g_card, name="mark_lost", lost_reason="Moved away", at=at(19))
    order(a, at(21))  # in W12, after now


def test_many_weeks_at_once_equal_each_week_alone(edited, o2c, reactivation):
    many = repeat_sales_figures_weeks(o2c, EDITED_WEEKS, now=EDITED_NOW)

    assert list(many) == EDITED_WEEKS
    for week in EDITED_WEEKS:
        assert many[week] == repeat_sales_figures(o2c, week, now=EDITED_NOW), week
    assert many["2030-W06"]["orders"] == 0
    assert many["2030-W13"] is None  # to come
    # The week of the history: A's Tuesday order was B's at its end (B's first order: B's own
    # of Tuesday 13:00, given to nobody since, a repeat then), A's Wednesday order a repeat, C's
    # Thursday order too (E's of Jan 1 was C's); C moved to wholesale in it.
    w10 = many["2030-W10"]
    assert (w10["orders"], w10["repeat_orders"]) == (7, 3)  # and a card without a client then
    assert (w10["by_segment"]["Wholesale"]["orders"], w10["by_segment"]["Retail"]["orders"]) == (
        4,
        0,
    )
    w11, w12 = many["2030-W11"], many["2030-W12"]
    # W11: D's order, a repeat; F's two, the second a repeat.
    assert (w11["orders"], w11["repeat_orders"], w11["reactivations_opened"]) == (3, 2, 1)
    assert (w12["orders"], w12["reactivations_lost"]) == (0, 1)
    # The reactivation process has the same figures; another process none.
    assert repeat_sales_figures_weeks(reactivation, EDITED_WEEKS, now=EDITED_NOW) == {
        week: repeat_sales_figures(reactivation, week, now=EDITED_NOW) for week in EDITED_WEEKS
    }
    other = Process.objects.create(slug="hiring", name="Hiring")
    assert repeat_sales_figures_weeks(other, EDITED_WEEKS, now=EDITED_NOW) == dict.fromkeys(
        EDITED_WEEKS
    )


def test_many_weeks_at_once_read_the_history_in_nine_queries_whatever_the_weeks(
    edited, o2c, django_assert_num_queries
):
    # The segments, the client changes, the segment changes, the clients' segments now, the
    # cards whose client changed, each client's first order, the orders of the clients whose
    # first order changed (F), the weeks' orders counted, the reactivations.
    for weeks in (EDITED_WEEKS[:1], EDITED_WEEKS):
        with django_assert_num_queries(9):
            repeat_sales_figures_weeks(o2c, weeks, now=EDITED_NOW)


RANDOM_NOW = datetime(2030, 3, 27, 15, tzinfo=UTC)  # Wednesday of 2030-W13
RANDOM_WEEKS = [f"2030-W{n:02d}" for n in range(1, 16)]


@pytest.fixture
def random_history(o2c, alice, sam, order, make_client, wholesale, retail):
    """200 order cards of 12 clients (or none) on a 6-hour grid from Dec 30 (ties), a few
    hundred client changes of them (before, inside and after the weeks, some back), segment
    changes, and reactivations opened by a scan each Monday and closed at random."""
    rng = random.Random(4)
    wholesale.order_interval_days = 3  # due often: reactivations opened every week
    wholesale.save()
    first = datetime(2029, 12, 30, 6, tzinfo=UTC)
    grid = [first + timedelta(hours=6 * i) for i in range(4 * 7 * 14)]
    segments = [wholesale, retail, None]
    clients = [make_client(f"R{i}", rng.choice(segments), sam, since=first) for i in range(12)]
    cards = [order(rng.choice([*clients, None]), rng.choice(grid)) for _ in range(200)]
    for _ in range(300):
        card = rng.choice(cards)
        card.refresh_from_db()
        when = max(card.created_at, rng.choice(grid))
        card_update(
            actor=alice, card=card, changes={"client": rng.choice([*clients, None])}, at=when
        )
    for _ in range(40):
        client = rng.choice(clients)
        client_update(
            client=client, changes={"segment": rng.choice(segments)}, actor=alice,
            now=rng.choice(grid),
        )  # fmt: skip
    for monday in range(0, len(grid), 28):
        reactivation_scan(now=grid[monday])
        for r in Reactivation.objects.filter(closed_at__isnull=True).select_related("card"):
            if rng.random() < 0.5:
                when = grid[min(monday + rng.randrange(1, 40), len(grid) - 1)]
                try:
                    card_transition(
                        actor=sam, card=r.card, name="mark_lost", lost_reason="No", at=when
                    )
                except DomainError:
                    pass
    return cards


def test_many_weeks_at_once_equal_each_week_alone_on_a_random_history(random_history, o2c):
    many = repeat_sales_figures_weeks(o2c, RANDOM_WEEKS, now=RANDOM_NOW)

    alone = {week: repeat_sales_figures(o2c, week, now=RANDOM_NOW) for week in RANDOM_WEEKS}
    assert many == alone
    assert sum(w["repeat_orders"] for w in many.values() if w) > 50
    assert sum(w["reactivations_opened"] for w in many.values() if w) > 5
    assert sum(w["reactivations_lost"] for w in many.values() if w) > 2
    assert many["2030-W14"] is None


def test_the_walk_stores_the_figures_of_each_week_computed_once(edited, o2c, monkeypatch):
    asked = {"compute": 0, "compute_weeks": 0}
    section = sections.SECTIONS["sales"]

    def counted(name):
        def call(*args, **kwargs):
            asked[name] += 1
            return getattr(section, name)(*args, **kwargs)

        return call

    monkeypatch.setitem(
        sections.SECTIONS,
        "sales",
        dataclasses.replace(
            section, compute=counted("compute"), compute_weeks=counted("compute_weeks")
        ),
    )
    weeks = EDITED_WEEKS[:-1]  # the walk stores weeks begun
    weekly_snapshots_walk(process_id=o2c.pk, weeks=weeks, now=EDITED_NOW)
    walked = dict(WeeklySnapshot.objects.values_list("week", "figures__sales"))

    assert asked == {"compute": 0, "compute_weeks": 1}
    for week in weeks:
        weekly_snapshot_compute(process_id=o2c.pk, week=week, now=EDITED_NOW)
    assert asked == {"compute": len(weeks), "compute_weeks": 1}
    alone = dict(WeeklySnapshot.objects.values_list("week", "figures__sales"))
    assert walked == alone
    assert walked["2030-W10"]["orders"] == 7
