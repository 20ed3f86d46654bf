"""Alerts that help (issue 14, point 4): one line per card with its latest level, "at risk"
cleared once the card breaches or moves on, filters by kind, a card opened reads its alerts,
and a header badge whose accessible name says what it shows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics.models import AlertLevel
from notifications.models import Notification
from notifications.selectors import notification_lines, notifications_unread_count
from notifications.services import notification_mark_read
from processes.services import card_comment_add, card_transition
from tests.metrics.alerting import candidate
from tests.processes.test_api import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def card(make_card, team):
    """alice's card: she hears of it at risk (issue 22: at risk reaches the responsible)."""
    return make_card(title="Drills for Acme", responsible=team["alice"])


@pytest.fixture
def escalated(card, raise_alerts):
    """The card was at risk, then breached: two alerts, one card."""
    raise_alerts(candidate(card), now=timezone.now() - timedelta(minutes=30))
    raise_alerts(candidate(card, AlertLevel.BREACHED, due_in=-timedelta(minutes=1)))
    return card


def test_a_card_at_risk_then_breached_is_one_unread_line(escalated, team, as_alice):
    alice = team["alice"]
    assert Notification.objects.filter(user=alice).count() == 2

    lines = list(notification_lines(user=alice))

    assert [n.data["level"] for n in lines] == ["breached"]
    assert notifications_unread_count(user=alice) == 1
    page = as_alice.get(reverse("notifications"))
    assert [n.data["level"] for n in page.context["rows"]] == ["breached"]
    assert 'data-unread="1"' in page.content.decode()


def test_marking_the_line_read_reads_the_cards_earlier_alerts(escalated, team):
    alice = team["alice"]
    line = notification_lines(user=alice).get()

    notification_mark_read(user=alice, notification_id=line.pk)

    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    assert notifications_unread_count(user=alice) == 0


def test_an_at_risk_alert_is_cleared_when_the_card_moves_on(card, team, raise_alerts, acme):
    raise_alerts(candidate(card))  # at risk in `received`
    raise_alerts(candidate(card, visit=0))  # at risk on the whole-process target
    card.client = acme
    card.save()

    card_transition(actor=team["alice"], card=card, name="qualify")

    left = Notification.objects.filter(user=team["alice"], read_at__isnull=True)
    # The status it left no longer matters; the whole-process target still does.
    assert [n.data["clears_on_move"] for n in left] == [False]


def test_a_breach_is_not_cleared_by_a_move(card, team, raise_alerts, acme):
    raise_alerts(candidate(card, AlertLevel.BREACHED, due_in=-timedelta(minutes=5)))
    card.client = acme
    card.save()
    card_transition(actor=team["alice"], card=card, name="qualify")
    assert Notification.objects.filter(user=team["bob"], read_at__isnull=True).count() == 1


def test_opening_the_card_reads_its_alerts_and_mentions(escalated, team, as_alice, make_card):
    other = make_card(title="Other order", responsible=team["olga"])
    card_comment_add(
        actor=team["bob"], card=escalated, text="@alice look at this", now=timezone.now()
    )
    card_comment_add(actor=team["bob"], card=other, text="@alice and this", now=timezone.now())
    assert notifications_unread_count(user=team["alice"]) == 2

    page = as_alice.get(reverse("card-detail", args=[escalated.pk])).content.decode()

    assert not Notification.objects.filter(
        user=team["alice"], subject=f"card:{escalated.pk}", read_at__isnull=True
    ).exists()
    # The header counts what is left: the other card's mention.
    assert 'data-unread="1"' in page
    # Only the reader's own: bob's alerts about the card stay unread.
    assert Notification.objects.filter(user=team["bob"], read_at__isnull=True).exists()


def test_the_inbox_filters_by_kind(card, team, raise_alerts, make_card, as_alice):
    breached = make_card(title="Late order", responsible=team["olga"])
    raise_alerts(candidate(card))
    raise_alerts(candidate(breached, AlertLevel.BREACHED, due_in=-timedelta(minutes=1)))
    card_comment_add(actor=team["bob"], card=card, text="@alice", now=timezone.now())

    def shown(**params):
        rows = as_alice.get(reverse("notifications"), params).context["rows"]
        return sorted((n.kind, n.data.get("card")) for n in rows)

    # The mention is the card's latest news: one line per card.
    assert shown() == [("alert", breached.pk), ("mention", card.pk)]
    assert shown(kind="breached") == [("alert", breached.pk)]
    assert shown(kind="mention") == [("mention", card.pk)]
    assert shown(kind="at_risk") == []
    assert shown(kind="nonsense") == shown()
    as_alice.get(reverse("card-detail", args=[card.pk]))
    assert shown(unread="1") == [("alert", breached.pk)]


def test_the_api_filters_too_and_keeps_its_fields(escalated, team):
    alice = api_as(team["alice"])
    assert alice.get("/api/alerts/").json()["count"] == 2
    per_card = alice.get("/api/alerts/", {"per_card": "true"}).json()
    assert [r["level"] for r in per_card["results"]] == ["breached"]
    at_risk = alice.get("/api/alerts/", {"kind": "at_risk"}).json()
    assert [r["level"] for r in at_risk["results"]] == ["at_risk"]
    assert alice.get("/api/alerts/", {"unread": "true", "per_card": "1"}).json()["count"] == 1


@pytest.mark.parametrize(
    "unread, shown, name",
    [
        (7, "7", "Alerts 7 unread"),
        (99, "99", "Alerts 99 unread"),
        (120, "99+", "Alerts 99+ unread"),
    ],
)
def test_the_badge_says_what_it_shows(alice, as_alice, unread, shown, name):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(user=alice, kind="alert", text=f"n{i}", subject=f"card:{i}", created_at=now)
        for i in range(unread)
    )
    html = as_alice.get(reverse("board")).content.decode()
    # The link's name is its text, the visible part first (WCAG 2.5.3).
    badge = f'<span class="alerts-badge" data-unread="{unread}">{shown}</span>'
    assert f'Alerts {badge}<span class="sr-only"> unread</span>' in html
    link = html[html.index('class="alerts-link"') : html.index("</a>", html.index("alerts-link"))]
    assert "aria-label" not in link
