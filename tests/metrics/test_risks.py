"""The risks page of the daily review: deadlines at risk or breached, and blocked cards.

The clock runs on the standard calendar (Europe/Berlin, Mon-Fri 09:00-18:00; Berlin is UTC+1 in
winter). A normal card in `received` has 4 business hours and is at risk after 3. The page is
read at NOW, Monday 2026-11-23 13:30 UTC (14:30 Berlin).

Personas from tests/conftest.py: alice is the executor of order to cash, bob its accountable,
charlie holds no role anywhere.
"""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from metrics.selectors import UNASSIGNED, risks_for_review
from processes.models import BlockReason, Process, SLAPolicy, Status
from processes.services import card_block, card_create, card_transition
from roles.models import ProcessRole, RoleKind

pytestmark = pytest.mark.django_db

RISKS = reverse("risks")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


NOW = utc(2026, 11, 23, 13, 30)


@pytest.fixture
def card_at(o2c, alice, acme):
    def make(title, created, *, actor=None, **fields):
        return card_create(
            actor=actor or alice,
            process=fields.pop("process", o2c),
            title=title,
            client=fields.pop("client", acme),
            at=created,
            **fields,
        )

    return make


@pytest.fixture
def five(card_at, alice, bob):
    """One card of each kind the page tells apart, read at NOW."""
    cards = {
        # Due 13:00 UTC: late by 30 minutes.
        "breached": card_at("Breached drills", utc(2026, 11, 23, 9), responsible=alice),
        # From 10:45 Berlin: at risk at 12:45 UTC, due 13:45 UTC: 15 minutes left.
        "at_risk": card_at("At-risk saws", utc(2026, 11, 23, 9, 45), responsible=bob),
        # Due 17:00 UTC, at risk from 16:00 UTC: nothing to talk about.
        "on_track": card_at("On-track gloves", utc(2026, 11, 23, 13)),
        # 3h50m of 4h used, then blocked: paused at risk with 10 business minutes left.
        "paused": card_at("Paused cable", utc(2026, 11, 23, 9)),
        # 30 minutes used, then blocked: on track, but blocked.
        "blocked": card_at("Blocked pipes", utc(2026, 11, 23, 12)),
    }
    card_block(
        actor=alice,
        card=cards["paused"],
        reason="waiting_stock",
        note="Supplier ships Thursday",
        at=utc(2026, 11, 23, 12, 50),
    )
    card_block(
        actor=alice,
        card=cards["blocked"],
        reason="waiting_customer",
        note="Asked for the delivery address",
        at=utc(2026, 11, 23, 12, 30),
    )
    return cards


@pytest.fixture
def read_at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


def _ids(rows):
    return [row.card.pk for row in rows]


def _page(client, user, params=None):
    client.force_login(user)
    response = client.get(RISKS, params or {})
    assert response.status_code == 200
    return response


@pytest.fixture
def service_desk(db, alice):
    """A second process: alice is its accountable; only urgent tickets have an SLA (1 hour)."""
    process = Process.objects.create(slug="service-desk", name="Service desk")
    new = Status.objects.create(process=process, slug="new", name="New", order=0)
    Status.objects.create(process=process, slug="done", name="Done", order=1, final=True)
    BlockReason.objects.create(process=process, slug="waiting_vendor", name="Waiting for vendor")
    SLAPolicy.objects.create(process=process, status=new, priority="urgent", allowance_minutes=60)
    ProcessRole.objects.create(process_id=process.pk, kind=RoleKind.ACCOUNTABLE, user=alice)
    return process


@pytest.fixture
def ticket(service_desk, card_at, alice):
    """An urgent service desk ticket, due 10:00 UTC: late by 3h30m at NOW."""
    # A fresh user object: the one from the fixture may have cached its roles before this grant.
    actor = get_user_model().objects.get(pk=alice.pk)
    return card_at(
        "Printer down",
        utc(2026, 11, 23, 9),
        actor=actor,
        process=service_desk,
        priority="urgent",
        client=None,
    )


# ------------------------------------------------------------------ what appears, in which order


def test_deadlines_and_blocked_cards_in_order_of_time_left(client, alice, five, read_at_now):
    response = _page(client, alice)
    review = response.context["review"]

    assert _ids(review.deadlines) == [five[k].pk for k in ["breached", "paused", "at_risk"]]
    assert [row.state for row in review.deadlines] == ["breached", "at_risk", "at_risk"]
    assert _ids(review.blocked) == [five["paused"].pk, five["blocked"].pk]
    assert (review.breached_count, review.at_risk_count, review.blocked_count) == (1, 2, 2)

    html = response.content.decode()
    assert "On-track gloves" not in html
    assert "Late by 30m" in html
    assert "15m left" in html
    assert "10m left, paused" in html
    assert "3h 30m left, paused" in html
    assert "Waiting for stock" in html and "Supplier ships Thursday" in html
    assert "Waiting for customer" in html and "Asked for the delivery address" in html
    assert [row["blocked_for"] for row in response.context["blocked"]] == ["40m", "1h"]
    assert 'class="sla-mark sla-breached"' in html
    assert 'class="sla-mark sla-at_risk"' in html
    assert 'class="sla-mark sla-on_track"' in html  # the blocked card's own clock
    for card in five.values():
        if card is not five["on_track"]:
            assert reverse("card-detail", kwargs={"card_id": card.pk}) in html
    assert '<strong data-count="breached">1</strong>' in html
    assert '<strong data-count="at_risk">2</strong>' in html
    assert '<strong data-count="blocked">2</strong>' in html
    # Status names come from the Status rows, not the slugs.
    assert ">Received</span>" in html


def test_the_deadlines_section_follows_the_clock(client, alice, five, time_machine):
    time_machine.move_to(utc(2026, 11, 23, 11), tick=False)
    early = _page(client, alice).context["review"]
    # At 11:00 UTC no running clock is at risk yet; the paused card already is.
    assert _ids(early.deadlines) == [five["paused"].pk]

    time_machine.move_to(utc(2026, 11, 23, 14), tick=False)
    late = _page(client, alice).context["review"]
    assert [row.state for row in late.deadlines] == ["breached", "breached", "at_risk"]
    assert _ids(late.deadlines) == [five[k].pk for k in ["breached", "at_risk", "paused"]]


def test_each_list_is_drawn_by_pages_in_order_with_whole_counts(
    client, alice, five, read_at_now, monkeypatch
):
    monkeypatch.setattr("metrics.selectors.risks.RISKS_PAGE_SIZE", 2)
    first = _page(client, alice, {"priority": "normal"})
    review = first.context["review"]
    assert _ids(review.deadlines) == [five["breached"].pk, five["paused"].pk]
    assert _ids(review.blocked) == [five["paused"].pk, five["blocked"].pk]
    assert (review.breached_count, review.at_risk_count, review.blocked_count) == (1, 2, 2)
    html = first.content.decode()
    assert "Page 1 of 2 · 3 deadlines" in html
    # The next page of the deadlines keeps the filters and the other list's page.
    assert 'href="?priority=normal&amp;deadlines_page=2#deadlines"' in html

    second = _page(client, alice, {"priority": "normal", "deadlines_page": "2"})
    review = second.context["review"]
    assert _ids(review.deadlines) == [five["at_risk"].pk]
    assert _ids(review.blocked) == [five["paused"].pk, five["blocked"].pk]
    assert (review.breached_count, review.at_risk_count, review.blocked_count) == (1, 2, 2)
    # The blocked list pages on its own; the paused card, also on the first page of deadlines,
    # does not take the place of the second blocked card.
    monkeypatch.setattr("metrics.selectors.risks.RISKS_PAGE_SIZE", 1)
    review = _page(client, alice, {"blocked_page": "2"}).context["review"]
    assert _ids(review.blocked) == [five["blocked"].pk]
    assert _ids(review.deadlines) == [five["breached"].pk]
    monkeypatch.setattr("metrics.selectors.risks.RISKS_PAGE_SIZE", 2)
    # A page past the end, or not a number, shows the last or the first: never an error.
    assert _ids(_page(client, alice, {"deadlines_page": "9"}).context["review"].deadlines) == [
        five["at_risk"].pk
    ]
    assert _ids(_page(client, alice, {"deadlines_page": "x"}).context["review"].deadlines) == [
        five["breached"].pk,
        five["paused"].pk,
    ]


def test_a_paused_card_past_its_allowance_is_breached(client, alice, card_at, read_at_now):
    card = card_at("Forgotten order", utc(2026, 11, 23, 9))
    card_block(actor=alice, card=card, reason="waiting_documents", at=utc(2026, 11, 23, 13, 15))

    response = _page(client, alice)
    (row,) = response.context["review"].deadlines
    assert (row.card.pk, row.state, row.paused) == (card.pk, "breached", True)
    assert "Late by 15m, paused" in response.content.decode()


def test_blocked_time_reads_in_days_and_hours(client, alice, card_at, read_at_now):
    card = card_at("Stuck since Saturday", utc(2026, 11, 20, 9))
    card_block(actor=alice, card=card, reason="waiting_supplier", at=utc(2026, 11, 21, 10, 30))

    html = _page(client, alice).content.decode()
    # Monday 13:30 minus Saturday 10:30: 2 days 3 hours on the wall clock.
    assert "2d 3h" in html


def test_finished_cards_are_left_out(client, alice, card_at, read_at_now):
    lost = card_at("Gone to a competitor", utc(2026, 11, 23, 9))
    card_transition(
        actor=alice, card=lost, name="mark_lost", lost_reason="Price", at=utc(2026, 11, 23, 9, 30)
    )
    response = _page(client, alice)
    assert response.context["review"].deadlines == []
    assert "Gone to a competitor" not in response.content.decode()


def test_nothing_at_risk_shows_the_empty_state(client, alice, card_at, read_at_now):
    card_at("On-track gloves", utc(2026, 11, 23, 13))
    html = _page(client, alice).content.decode()
    assert "Nothing at risk" in html
    assert "On-track gloves" not in html
    assert '<strong data-count="breached">0</strong>' in html


# ------------------------------------------------------------------ filters


def test_filter_by_process(client, alice, five, ticket, read_at_now):

    everything = _page(client, alice).context["review"]
    assert _ids(everything.deadlines)[:2] == [ticket.pk, five["breached"].pk]
    assert "Service desk" in _page(client, alice).content.decode()  # a process column

    desk = _page(client, alice, {"process": "service-desk"}).context["review"]
    assert _ids(desk.deadlines) == [ticket.pk]
    assert desk.blocked == []

    o2c = _page(client, alice, {"process": "order-to-cash"}).context["review"]
    assert ticket.pk not in _ids(o2c.deadlines)
    assert len(o2c.deadlines) == 3


def test_filter_by_my_role(client, alice, bob, five, ticket, read_at_now):

    # alice is executor in order to cash, accountable in the service desk.
    accountable = _page(client, alice, {"role": "accountable"}).context["review"]
    assert _ids(accountable.deadlines) == [ticket.pk]
    executor = _page(client, alice, {"role": "executor"}).context["review"]
    assert ticket.pk not in _ids(executor.deadlines) and len(executor.deadlines) == 3

    # Where I am escalation: alice is nowhere, and the page says why it is empty.
    response = _page(client, alice, {"role": "escalation"})
    assert response.context["review"].deadlines == []
    assert "You do not hold the escalation role in any process" in response.content.decode()

    ProcessRole.objects.create(
        process_id=five["breached"].process_id, kind=RoleKind.ESCALATION, user=bob
    )
    as_bob = _page(client, bob, {"role": "escalation"}).context["review"]
    assert len(as_bob.deadlines) == 3


def test_filter_by_responsible(client, alice, bob, five, read_at_now):
    mine = _page(client, alice, {"responsible": "me"})
    assert _ids(mine.context["review"].deadlines) == [five["breached"].pk]
    assert 'value="me" selected' in mine.content.decode()

    bobs = _page(client, alice, {"responsible": str(bob.pk)}).context["review"]
    assert _ids(bobs.deadlines) == [five["at_risk"].pk]
    assert bobs.blocked == []

    nobody = _page(client, alice, {"responsible": "none"}).context["review"]
    assert _ids(nobody.deadlines) == [five["paused"].pk]
    assert _ids(nobody.blocked) == [five["paused"].pk, five["blocked"].pk]


@pytest.mark.parametrize(
    "params,message",
    [
        ({"process": "no-such-process"}, "There is no process “no-such-process” among yours"),
        ({"role": "boss"}, "“boss” is not a process role"),
        ({"responsible": "somebody"}, "“somebody” is not someone in your processes"),
        ({"responsible": "999999"}, "“999999” is not someone in your processes"),
        ({"responsible": "-1"}, "“-1” is not someone in your processes"),
        ({"responsible": "²"}, "“²” is not someone in your processes"),
        ({"process": "x" * 500}, "There is no process “" + "x" * 40 + "…” among yours"),
    ],
)
def test_an_invalid_filter_is_reported_and_ignored(
    client, alice, five, read_at_now, params, message
):
    response = _page(client, alice, params)
    assert message in response.content.decode()
    review = response.context["review"]
    assert len(review.deadlines) == 3 and len(review.blocked) == 2


def test_a_valid_filter_is_kept_beside_an_invalid_one(client, alice, five, read_at_now):
    response = _page(client, alice, {"responsible": "me", "role": "boss"})
    assert "“boss” is not a process role" in response.content.decode()
    assert _ids(response.context["review"].deadlines) == [five["breached"].pk]


def test_someone_outside_my_processes_is_not_a_valid_responsible(
    client, alice, charlie, five, read_at_now
):
    response = _page(client, alice, {"responsible": str(charlie.pk)})
    assert "is not someone in your processes" in response.content.decode()
    assert len(response.context["review"].deadlines) == 3


def test_the_selector_takes_the_filters_directly(alice, five):
    review = risks_for_review(user=alice, responsible=UNASSIGNED, now=NOW)
    assert _ids(review.deadlines) == [five["paused"].pk]
    assert review.breached_count == 0 and review.at_risk_count == 1 and review.blocked_count == 2


# ------------------------------------------------------------------ who may see it


def test_the_outsider_sees_nothing(client, charlie, five, read_at_now):
    response = _page(client, charlie)
    html = response.content.decode()
    assert "No processes for you yet" in html
    for card in five.values():
        assert card.title not in html
    review = response.context["review"]
    assert (review.deadlines, review.blocked, review.blocked_count) == ([], [], 0)

    probing = _page(client, charlie, {"process": "order-to-cash", "responsible": "none"})
    assert probing.context["review"].deadlines == []


def test_anonymous_is_sent_to_login(client):
    response = client.get(RISKS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_is_405(client, alice):
    client.force_login(alice)
    assert client.post(RISKS).status_code == 405


def test_the_header_links_to_the_page(client, alice):
    client.force_login(alice)
    html = client.get(RISKS).content.decode()
    assert f'<a href="{RISKS}" aria-current="page">Risks</a>' in html


# ------------------------------------------------------------------ queries


def _fill(card_at, alice, bob, count):
    """count cards cycling through breached, at risk, paused at risk, blocked and on track."""
    for i in range(count):
        kind = i % 5
        created = utc(2026, 11, 23, 13) if kind == 4 else utc(2026, 11, 23, 9, kind * 15)
        card = card_at(f"Card {i}", created, responsible=[alice, bob, None][i % 3])
        if kind in (2, 3):
            card_block(actor=alice, card=card, reason="waiting_stock", at=utc(2026, 11, 23, 12, 30))


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_runs_a_fixed_number_of_queries(
    client, alice, bob, card_at, read_at_now, count, django_assert_num_queries
):
    _fill(card_at, alice, bob, count)
    client.force_login(alice)
    # session, user, visible processes, people for the responsible filter, the clocks of every
    # card at risk, breached or blocked, the two pages' cards, statuses, the card filters'
    # clients and saved views, the bulk bar's block reasons and statuses, the header's alerts
    with django_assert_num_queries(12):
        response = client.get(RISKS)
    review = response.context["review"]
    assert len(review.deadlines) + len(review.blocked) >= count // 2


@pytest.mark.parametrize("count", [3, 30])
def test_the_filtered_page_runs_a_fixed_number_of_queries(
    client, alice, bob, card_at, read_at_now, count, django_assert_num_queries
):
    _fill(card_at, alice, bob, count)
    client.force_login(alice)
    # as above, and the role map that checks the role filter
    with django_assert_num_queries(13):
        client.get(
            RISKS,
            {
                "process": "order-to-cash",
                "role": "executor",
                "responsible": "me",
                "q": "a",
                "sla": "breached",
                "channel": "email",
            },
        )


def test_due_times_are_shown_in_the_process_zone_named_once(client, alice, five, read_at_now):
    html = _page(client, alice).content.decode()
    # "Breached drills" was due 13:00 UTC: 14:00 in Berlin, the standard calendar's zone,
    # written without the zone; the page names it once, by its heading.
    assert "Nov 23, 2026, 14:00<" in html
    assert "As of Nov 23, 2026, 14:30." in html
    assert "Times in Europe/Berlin (CET)." in html
    assert html.count("CET") == 1
    assert "UTC" not in html
