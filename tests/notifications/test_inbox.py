"""The inbox: the alert inbox in the API, the notifications and settings pages, and the
header's badge. The notifications come from alerts, as they do in the app
(tests/metrics/alerting.py has the team)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from metrics.models import AlertLevel
from notifications.models import Notification, NotificationPreference
from notifications.services import notification_mark_read
from tests.metrics.alerting import candidate, mailed
from tests.processes.test_api import api_as

pytestmark = pytest.mark.django_db

INBOX = "/api/alerts/"


def read_url(notification_id) -> str:
    return f"{INBOX}{notification_id}/read/"


@pytest.fixture
def card(make_card, team):
    """alice's card: she hears of it at risk (issue 22: at risk reaches the responsible)."""
    return make_card(title="Drills for Acme", responsible=team["alice"])


# ------------------------------------------------------------------ marking read (service)


def test_mark_read_is_for_the_owner_only(card, team, raise_alerts):
    raise_alerts(candidate(card))
    mine = Notification.objects.get(user=team["alice"])

    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(user=team["bob"], notification_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at is None

    read = notification_mark_read(user=team["alice"], notification_id=mine.pk)
    assert read.read_at is not None
    # Again is harmless and keeps the first time.
    assert (
        notification_mark_read(user=team["alice"], notification_id=mine.pk).read_at == read.read_at
    )


# ------------------------------------------------------------------ the API


@pytest.fixture
def inbox(make_card, olga, team, raise_alerts):
    """Two alerts on two cards: alice hears of both (the first is hers and at risk); bob, gina,
    olga and dave of the breach."""
    first = make_card(title="First order", responsible=team["alice"])
    second = make_card(title="Second order", responsible=olga)
    raise_alerts(candidate(first), now=timezone.now() - timedelta(minutes=5))
    raise_alerts(candidate(second, AlertLevel.BREACHED, due_in=-timedelta(minutes=1)))
    return {"first": first, "second": second}


def test_api_lists_only_my_alerts_newest_first(inbox, team):
    answer = api_as(team["alice"]).get(INBOX)

    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert [first["card"], second["card"]] == [inbox["second"].pk, inbox["first"].pk]
    assert set(first) == {
        "id",
        "card",
        "card_title",
        "level",
        "status",
        "due_at",
        "raised_at",
        "read",
        "text",
    }
    assert first["card_title"] == "Second order"
    assert (first["level"], first["status"], first["read"]) == ("breached", "received", False)
    assert first["text"].startswith("Breached:")
    mine = set(Notification.objects.filter(user=team["alice"]).values_list("pk", flat=True))
    assert {first["id"], second["id"]} == mine

    assert api_as(team["dave"]).get(INBOX).json()["count"] == 1
    assert api_as(team["charlie"]).get(INBOX).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_api_marks_one_read(inbox, team):
    alice = api_as(team["alice"])
    target = alice.get(INBOX).json()["results"][1]

    answer = alice.post(read_url(target["id"]))

    assert answer.status_code == 200
    assert answer.json()["read"] is True and answer.json()["id"] == target["id"]
    reads = {r["id"]: r["read"] for r in alice.get(INBOX).json()["results"]}
    assert reads[target["id"]] is True and list(reads.values()).count(False) == 1


def test_api_someone_elses_alert_is_not_found(inbox, team):
    bobs = Notification.objects.filter(user=team["bob"]).first()

    for user in ("alice", "charlie"):
        assert api_as(team[user]).post(read_url(bobs.pk)).status_code == 404
    assert api_as(team["alice"]).post(read_url(999999)).status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_api_read_takes_post_only(inbox, team):
    mine = Notification.objects.filter(user=team["alice"]).first()
    alice = api_as(team["alice"])

    assert alice.get(read_url(mine.pk)).status_code == 405
    assert alice.delete(read_url(mine.pk)).status_code == 405
    assert alice.post(INBOX).status_code == 405


@pytest.mark.parametrize("method, path", [("get", INBOX), ("post", read_url(1))])
def test_api_needs_authentication(db, method, path):
    assert getattr(APIClient(), method)(path).status_code == 401


def test_api_schema_lists_the_alert_endpoints(alice):
    answer = api_as(alice).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    paths = answer.json()["paths"]
    assert set(paths["/api/alerts/"]) == {"get"}
    assert set(paths["/api/alerts/{id}/read/"]) == {"post"}


def test_api_list_runs_a_fixed_number_of_queries(inbox, team, django_assert_num_queries):
    alice = api_as(team["alice"])
    # token and user, count, page with alerts and cards
    with django_assert_num_queries(3):
        assert alice.get(INBOX).status_code == 200


# ------------------------------------------------------------------ the pages


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("notifications", {}),
        ("notification-settings", {}),
        ("notification-read", {"notification_id": 1}),
        ("notifications-read-all", {}),
    ],
)
def test_pages_need_login(client, db, name, kwargs):
    for method in (client.get, client.post):
        answer = method(reverse(name, kwargs=kwargs))
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("login"))


def test_notifications_page_lists_unread_first_with_links(inbox, team, as_alice):
    older = Notification.objects.get(user=team["alice"], subject=f"card:{inbox['first'].pk}")
    newer = Notification.objects.get(user=team["alice"], subject=f"card:{inbox['second'].pk}")
    notification_mark_read(user=team["alice"], notification_id=newer.pk)

    answer = as_alice.get(reverse("notifications"))

    assert answer.status_code == 200
    assert [n.pk for n in answer.context["rows"]] == [older.pk, newer.pk]
    html = answer.content.decode()
    assert reverse("card-detail", args=[inbox["first"].pk]) in html
    assert reverse("notification-read", args=[older.pk]) in html
    assert reverse("notification-read", args=[newer.pk]) not in html
    assert reverse("notifications-read-all") in html


def test_notifications_page_shows_the_outsider_nothing(inbox, team, client):
    client.force_login(team["charlie"])

    answer = client.get(reverse("notifications"))

    assert answer.status_code == 200
    assert answer.context["rows"] == []
    html = answer.content.decode()
    assert "First order" not in html and "Second order" not in html
    assert "alerts-badge" not in html


def test_notifications_page_runs_a_fixed_number_of_queries(
    make_card, olga, team, raise_alerts, as_alice, django_assert_num_queries
):
    alice = team["alice"]
    raise_alerts(*(candidate(make_card(title=f"Order {i}", responsible=alice)) for i in range(12)))
    # session, user, count, page of notifications with alerts and cards, unread badge
    with django_assert_num_queries(5):
        answer = as_alice.get(reverse("notifications"))
    assert len(answer.context["rows"]) == 12


def test_mark_read_from_the_page(inbox, team, as_alice):
    mine = Notification.objects.filter(user=team["alice"]).first()
    url = reverse("notification-read", args=[mine.pk])

    assert as_alice.get(url).status_code == 405
    answer = as_alice.post(url)

    assert answer.status_code == 302 and answer["Location"] == reverse("notifications")
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_someone_elses_from_the_page_is_not_found(inbox, team, client):
    bobs = Notification.objects.filter(user=team["bob"]).first()
    client.force_login(team["charlie"])

    assert client.post(reverse("notification-read", args=[bobs.pk])).status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_mark_all_read_touches_only_mine(inbox, team, as_alice):
    url = reverse("notifications-read-all")
    assert as_alice.get(url).status_code == 405

    answer = as_alice.post(url, follow=True)

    assert "2 alerts marked read." in answer.content.decode()
    assert not Notification.objects.filter(user=team["alice"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=team["bob"], read_at__isnull=True).count() == 1


def test_settings_page_turns_email_off_and_on(card, team, as_alice, raise_alerts, mailoutbox):
    url = reverse("notification-settings")
    assert as_alice.get(url).context["form"].initial == {"email_enabled": True}

    answer = as_alice.post(url, {}, follow=True)  # an unticked box sends nothing

    assert answer.status_code == 200
    assert "Alert e-mails are off." in answer.content.decode()
    assert NotificationPreference.objects.get(user=team["alice"]).email_enabled is False
    assert as_alice.get(url).context["form"].initial == {"email_enabled": False}
    raise_alerts(candidate(card))
    assert "alice@example.com" not in mailed(mailoutbox)
    assert Notification.objects.filter(user=team["alice"]).count() == 1

    as_alice.post(url, {"email_enabled": "on"})
    assert NotificationPreference.objects.get(user=team["alice"]).email_enabled is True


def test_settings_page_changes_only_my_own(team, client):
    client.force_login(team["charlie"])

    client.post(reverse("notification-settings"), {})

    assert list(NotificationPreference.objects.values_list("user__username", "email_enabled")) == [
        ("charlie", False)
    ]
    assert client.put(reverse("notification-settings")).status_code == 405


# ------------------------------------------------------------------ the header


def test_header_shows_the_unread_count(inbox, team, as_alice):
    html = as_alice.get(reverse("board")).content.decode()
    assert 'class="alerts-badge" data-unread="2"' in html
    assert '>2</span><span class="sr-only"> unread</span>' in html

    notification_mark_read(
        user=team["alice"],
        notification_id=Notification.objects.filter(user=team["alice"]).first().pk,
    )
    assert 'data-unread="1"' in as_alice.get(reverse("queue")).content.decode()

    as_alice.post(reverse("notifications-read-all"))
    html = as_alice.get(reverse("board")).content.decode()
    assert "alerts-badge" not in html
    assert reverse("notifications") in html


def test_header_count_costs_nothing_for_anonymous_pages(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("login")).status_code == 200
