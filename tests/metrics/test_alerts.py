"""Alerts and the notifications they make: who hears of them, once, in the app and by e-mail;
the alert inbox in the API, the notifications and settings pages, and the header's badge.

Personas from tests/conftest.py: alice is the executor of order to cash, bob its accountable,
olga its approver (and here the card's responsible person), charlie holds no role. Added here:
dave holds the escalation role, gina is executor through the group "order-desk".
"""

import smtplib
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from metrics.models import Alert, AlertLevel, Notification
from metrics.services import alerts_raise, notification_mark_read
from roles.models import NotificationPreference, ProcessRole, RoleKind
from tests.conftest import PASSWORD
from tests.processes.test_api import api_as

pytestmark = pytest.mark.django_db

INBOX = "/api/alerts/"


def read_url(notification_id) -> str:
    return f"{INBOX}{notification_id}/read/"


@pytest.fixture
def dave(o2c):
    user = get_user_model().objects.create_user(
        username="dave", password=PASSWORD, email="dave@example.com"
    )
    ProcessRole.objects.create(process=o2c, kind=RoleKind.ESCALATION, user=user)
    return user


@pytest.fixture
def gina(o2c):
    """Executor through a group grant, not a grant of her own."""
    user = get_user_model().objects.create_user(
        username="gina", password=PASSWORD, email="gina@example.com"
    )
    desk = Group.objects.create(name="order-desk")
    desk.user_set.add(user)
    ProcessRole.objects.create(process=o2c, kind=RoleKind.EXECUTOR, group=desk)
    return user


@pytest.fixture
def team(alice, bob, olga, charlie, dave, gina):
    return {u.username: u for u in (alice, bob, olga, charlie, dave, gina)}


@pytest.fixture
def card(make_card, olga, team):
    return make_card(title="Drills for Acme", responsible=olga)


def candidate(card, level=AlertLevel.AT_RISK, visit=1, due_in=timedelta(hours=1)):
    return {
        "card_id": card.pk,
        "status": card.status,
        "visit": visit,
        "level": level,
        "due_at": timezone.now() + due_in,
    }


@pytest.fixture
def raise_alerts(django_capture_on_commit_callbacks):
    """alerts_raise as a worker runs it: the e-mails go when its transaction commits."""

    def run(*candidates, now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return alerts_raise(candidates=list(candidates), now=now or timezone.now())

    return run


def recipients(alert) -> set[str]:
    return set(alert.notifications.values_list("user__username", flat=True))


def mailed(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


# ------------------------------------------------------------------ who hears of an alert


def test_at_risk_notifies_executors_accountable_and_responsible(card, raise_alerts, mailoutbox):
    (alert,) = raise_alerts(candidate(card))

    assert alert.level == AlertLevel.AT_RISK and alert.notified_at is not None
    # gina through her group; olga as the responsible; not dave (escalation) before a breach.
    assert recipients(alert) == {"alice", "bob", "gina", "olga"}
    assert mailed(mailoutbox) == [
        "alice@example.com",
        "bob@example.com",
        "gina@example.com",
        "olga@example.com",
    ]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    text = Notification.objects.filter(user__username="alice").get().text
    assert text.startswith(f"At risk: #{card.pk} Drills for Acme (Received) is due")
    assert f"/cards/{card.pk}/" in mailoutbox[0].body


def test_breach_also_notifies_the_escalation_role(card, raise_alerts, mailoutbox):
    (alert,) = raise_alerts(candidate(card, AlertLevel.BREACHED, due_in=-timedelta(hours=1)))

    assert recipients(alert) == {"alice", "bob", "gina", "olga", "dave"}
    assert "dave@example.com" in mailed(mailoutbox)
    assert alert.notifications.first().text.startswith("Breached:")


def test_the_outsider_never_hears(card, team, raise_alerts, mailoutbox):
    raise_alerts(candidate(card), candidate(card, AlertLevel.BREACHED))

    assert not Notification.objects.filter(user=team["charlie"]).exists()
    assert "charlie@example.com" not in mailed(mailoutbox)


def test_a_user_holding_several_roles_hears_once(card, o2c, alice, raise_alerts, mailoutbox):
    ProcessRole.objects.create(process=o2c, kind=RoleKind.ACCOUNTABLE, user=alice)
    card.responsible = alice
    card.save()

    (alert,) = raise_alerts(candidate(card))

    assert alert.notifications.filter(user=alice).count() == 1
    assert mailed(mailoutbox).count("alice@example.com") == 1


def test_inactive_users_are_left_out(card, team, raise_alerts):
    team["bob"].is_active = False
    team["bob"].save()

    (alert,) = raise_alerts(candidate(card))

    assert "bob" not in recipients(alert)


# ------------------------------------------------------------------ once, whoever writes


def test_raising_twice_adds_nothing(card, raise_alerts, mailoutbox):
    first = raise_alerts(candidate(card))
    notifications, mails = Notification.objects.count(), len(mailoutbox)

    again = raise_alerts(candidate(card))

    assert len(first) == 1 and again == []
    assert Alert.objects.count() == 1
    assert Notification.objects.count() == notifications == 4
    assert len(mailoutbox) == mails == 4


def test_each_level_and_each_visit_is_its_own_alert(card, raise_alerts):
    raise_alerts(candidate(card, visit=1))
    raise_alerts(candidate(card, AlertLevel.BREACHED, visit=1))
    raise_alerts(candidate(card, visit=2))
    raise_alerts(candidate(card, visit=2), candidate(card, AlertLevel.BREACHED, visit=1))

    assert sorted(Alert.objects.values_list("visit", "level")) == [
        (1, "at_risk"),
        (1, "breached"),
        (2, "at_risk"),
    ]


def test_an_alert_left_unnotified_is_notified_by_the_next_raise(card, raise_alerts, mailoutbox):
    # As if a writer died between inserting the alert and notifying: the next scan finishes.
    left = Alert.objects.create(
        card=card, status="received", visit=1, level="at_risk", due_at=timezone.now()
    )

    (alert,) = raise_alerts(candidate(card, visit=1))

    assert alert.pk == left.pk
    assert recipients(alert) == {"alice", "bob", "gina", "olga"}
    assert len(mailoutbox) == 4


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_notify_once(o2c, card, mailoutbox):
    """Two threads, two database connections, the same candidates at the same moment."""
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait(timeout=10)
            results.append(alerts_raise(candidates=[candidate(card)], now=timezone.now()))
        except Exception as exc:  # reported below: an exception in a thread is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(len(r) for r in results) == [0, 1]
    assert Alert.objects.count() == 1
    assert Notification.objects.count() == 4
    assert len(mailoutbox) == 4


# ------------------------------------------------------------------ e-mail


def test_opted_out_user_gets_no_email_but_the_in_app_notification(
    card, bob, raise_alerts, mailoutbox
):
    NotificationPreference.objects.create(user=bob, email_enabled=False)

    (alert,) = raise_alerts(candidate(card))

    assert "bob" in recipients(alert)
    assert "bob@example.com" not in mailed(mailoutbox)
    assert Notification.objects.get(user=bob).emailed_at is None
    assert len(mailoutbox) == 3


def test_one_email_per_recipient_for_several_alerts(
    make_card, olga, team, raise_alerts, mailoutbox
):
    cards = [make_card(title=f"Order {i}", responsible=olga) for i in range(3)]

    raise_alerts(*(candidate(c) for c in cards))

    assert Notification.objects.filter(user=team["alice"]).count() == 3
    to_alice = [m for m in mailoutbox if m.to == ["alice@example.com"]]
    assert len(to_alice) == 1
    assert to_alice[0].subject == "[Opmodel] 3 cards need attention"
    assert all(f"/cards/{c.pk}/" in to_alice[0].body for c in cards)


def test_users_without_an_address_get_no_email(card, team, raise_alerts, mailoutbox):
    team["gina"].email = ""
    team["gina"].save()

    raise_alerts(candidate(card))

    assert Notification.objects.get(user=team["gina"]).emailed_at is None
    assert len(mailoutbox) == 3


def test_no_email_before_the_transaction_commits(card, mailoutbox):
    # Without the commit (the test's transaction is never committed) nobody is mailed.
    alerts_raise(candidates=[candidate(card)], now=timezone.now())

    assert Notification.objects.count() == 4
    assert mailoutbox == []


class BrokenMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("The mail server went away.")


def test_mail_failure_keeps_alert_and_notifications(card, raise_alerts, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailBackend"

    (alert,) = raise_alerts(candidate(card))

    assert alert.notifications.count() == 4
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


# ------------------------------------------------------------------ query count


@pytest.mark.parametrize("count", [1, 20])
def test_raise_runs_a_fixed_number_of_queries(
    make_card, olga, team, count, django_assert_num_queries
):
    cards = [make_card(title=f"Order {i}", responsible=olga) for i in range(count)]
    levels = [AlertLevel.BREACHED if i % 2 else AlertLevel.AT_RISK for i in range(count)]
    candidates = [candidate(c, level) for c, level in zip(cards, levels, strict=True)]

    # savepoint, insert alerts, claim, alerts; savepoint, cards, statuses, role holders, users,
    # insert notifications; two savepoint releases
    with django_assert_num_queries(12):
        raised = alerts_raise(candidates=candidates, now=timezone.now())

    assert len(raised) == count
    breached = levels.count(AlertLevel.BREACHED)
    assert Notification.objects.count() == 4 * (count - breached) + 5 * breached


def test_raising_again_runs_fewer_queries(card, raise_alerts, django_assert_num_queries):
    raise_alerts(candidate(card))

    # savepoint, insert (nothing new), claim (nothing), release
    with django_assert_num_queries(4):
        assert alerts_raise(candidates=[candidate(card)], now=timezone.now()) == []


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
    """Two alerts on two cards: alice, bob, gina and olga hear of both, dave of the breach."""
    first = make_card(title="First order", responsible=olga)
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
    older = Notification.objects.get(user=team["alice"], card=inbox["first"])
    newer = Notification.objects.get(user=team["alice"], card=inbox["second"])
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
    raise_alerts(*(candidate(make_card(title=f"Order {i}", responsible=olga)) for i in range(12)))
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
    assert Notification.objects.filter(user=team["bob"], read_at__isnull=True).count() == 2


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
    assert 'aria-label="Alerts, 2 unread"' in html

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
