"""Alerts and the notifications they make: who hears of them, once, in the app and by e-mail
(tests/metrics/alerting.py has the team). The inbox they land in: tests/notifications/."""

import smtplib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from metrics.models import Alert, AlertLevel
from metrics.services import alerts_raise
from notifications.models import Notification, NotificationPreference
from roles.models import ProcessRole, RoleKind
from tests.metrics.alerting import candidate, mailed, notifications_of, recipients

pytestmark = pytest.mark.django_db

# ------------------------------------------------------------------ who hears of an alert


def breach(card):
    return candidate(card, AlertLevel.BREACHED, due_in=-timedelta(hours=1))


def test_at_risk_goes_to_the_cards_responsible_person_only(card, raise_alerts, mailoutbox):
    (alert,) = raise_alerts(candidate(card))

    assert alert.level == AlertLevel.AT_RISK and alert.notified_at is not None
    # Issue 22: not every executor and accountable of the process; olga can save the card.
    assert recipients(alert) == {"olga"}
    assert mailed(mailoutbox) == ["olga@example.com"]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    text = Notification.objects.filter(user__username="olga").get().text
    assert text.startswith(f"At risk: #{card.pk} Drills for Acme (Received) is due")
    assert f"/cards/{card.pk}/" in mailoutbox[0].body


def test_at_risk_without_a_responsible_goes_to_the_accountable_and_escalation(card, raise_alerts):
    card.responsible = None
    card.save()

    (alert,) = raise_alerts(candidate(card))

    # bob is accountable, dave holds the escalation role: nobody is on this card.
    assert recipients(alert) == {"bob", "dave"}


def test_a_blocked_card_at_risk_also_reaches_the_escalation_role(card, acme, raise_alerts):
    card.is_blocked = True
    card.block_reason = card.process.block_reasons.first()
    card.blocked_at = timezone.now()
    card.save()

    (alert,) = raise_alerts(candidate(card))

    assert recipients(alert) == {"olga", "dave"}


def test_informed_grants_hear_of_the_events_they_name(card, o2c, team, raise_alerts):
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.INFORMED, user=team["charlie"])
    watcher = get_user_model().objects.create_user(username="wendy", email="w@example.com")
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.INFORMED, user=watcher, informed_of=["at_risk"]
    )

    at_risk, breached = raise_alerts(candidate(card), candidate(card, AlertLevel.BREACHED, visit=2))

    # charlie's grant has the default events (breaches, not warnings); wendy's names at_risk.
    assert recipients(at_risk) == {"olga", "wendy"}
    assert recipients(breached) == {"alice", "bob", "gina", "olga", "dave", "charlie"}


def test_breach_also_notifies_the_escalation_role(card, raise_alerts, mailoutbox):
    (alert,) = raise_alerts(candidate(card, AlertLevel.BREACHED, due_in=-timedelta(hours=1)))

    assert recipients(alert) == {"alice", "bob", "gina", "olga", "dave"}
    assert "dave@example.com" in mailed(mailoutbox)
    assert notifications_of(alert).first().text.startswith("Breached:")


def test_the_outsider_never_hears(card, team, raise_alerts, mailoutbox):
    raise_alerts(candidate(card), candidate(card, AlertLevel.BREACHED))

    assert not Notification.objects.filter(user=team["charlie"]).exists()
    assert "charlie@example.com" not in mailed(mailoutbox)


def test_a_user_holding_several_roles_hears_once(card, o2c, alice, raise_alerts, mailoutbox):
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.ACCOUNTABLE, user=alice)
    card.responsible = alice
    card.save()

    (alert,) = raise_alerts(candidate(card))

    assert notifications_of(alert).filter(user=alice).count() == 1
    assert mailed(mailoutbox).count("alice@example.com") == 1


def test_inactive_users_are_left_out(card, team, raise_alerts):
    team["bob"].is_active = False
    team["bob"].save()

    (alert,) = raise_alerts(candidate(card))

    assert "bob" not in recipients(alert)


# ------------------------------------------------------------------ once, whoever writes


def test_raising_twice_adds_nothing(card, raise_alerts, mailoutbox):
    first = raise_alerts(breach(card))
    notifications, mails = Notification.objects.count(), len(mailoutbox)

    again = raise_alerts(breach(card))

    assert len(first) == 1 and again == []
    assert Alert.objects.count() == 1
    assert Notification.objects.count() == notifications == 5
    assert len(mailoutbox) == mails == 5


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
    assert recipients(alert) == {"olga"}
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_notify_once(o2c, card, mailoutbox):
    """Two threads, two database connections, the same candidates at the same moment."""
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait(timeout=10)
            results.append(alerts_raise(candidates=[breach(card)], now=timezone.now()))
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
    assert Notification.objects.count() == 5
    assert len(mailoutbox) == 5


# ------------------------------------------------------------------ e-mail


def test_opted_out_user_gets_no_email_but_the_in_app_notification(
    card, bob, raise_alerts, mailoutbox
):
    NotificationPreference.objects.create(user=bob, email_enabled=False)

    (alert,) = raise_alerts(breach(card))

    assert "bob" in recipients(alert)
    assert "bob@example.com" not in mailed(mailoutbox)
    assert Notification.objects.get(user=bob).emailed_at is None
    assert len(mailoutbox) == 4


def test_one_email_per_recipient_for_several_alerts(
    make_card, olga, team, raise_alerts, mailoutbox
):
    cards = [make_card(title=f"Order {i}", responsible=olga) for i in range(3)]

    raise_alerts(*(breach(c) for c in cards))

    assert Notification.objects.filter(user=team["alice"]).count() == 3
    to_alice = [m for m in mailoutbox if m.to == ["alice@example.com"]]
    assert len(to_alice) == 1
    assert to_alice[0].subject == "[Opmodel] 3 cards need attention"
    assert all(f"/cards/{c.pk}/" in to_alice[0].body for c in cards)


def test_users_without_an_address_get_no_email(card, team, raise_alerts, mailoutbox):
    team["gina"].email = ""
    team["gina"].save()

    raise_alerts(breach(card))

    assert Notification.objects.get(user=team["gina"]).emailed_at is None
    assert len(mailoutbox) == 4


def test_no_email_before_the_transaction_commits(card, mailoutbox):
    # Without the commit (the test's transaction is never committed) nobody is mailed.
    alerts_raise(candidates=[breach(card)], now=timezone.now())

    assert Notification.objects.count() == 5
    assert mailoutbox == []


class BrokenMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("The mail server went away.")


def test_mail_failure_keeps_alert_and_notifications(card, raise_alerts, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailBackend"

    (alert,) = raise_alerts(breach(card))

    assert notifications_of(alert).count() == 5
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
    # At risk: olga, the responsible; breached: also the executors, accountable, escalation.
    assert Notification.objects.count() == 1 * (count - breached) + 5 * breached


def test_raising_again_runs_fewer_queries(card, raise_alerts, django_assert_num_queries):
    raise_alerts(candidate(card))

    # savepoint, insert (nothing new), claim (nothing), release
    with django_assert_num_queries(4):
        assert alerts_raise(candidates=[candidate(card)], now=timezone.now()) == []


def test_the_alert_and_its_email_write_the_deadline_in_the_process_zone_named_once(
    card, o2c, raise_alerts, mailoutbox, settings
):
    # Issue 22: the deadline was written in the server's zone ("%Z": "UTC"), on every line.
    from processes.definition import definitions_forget
    from processes.models import BusinessCalendar

    settings.TIME_ZONE = "UTC"
    o2c.calendar = BusinessCalendar.objects.create(name="Tokyo office", timezone="Asia/Tokyo")
    o2c.save()
    definitions_forget()
    due = datetime(2026, 11, 24, 1, 5, tzinfo=UTC)
    raise_alerts({**candidate(card), "due_at": due})

    note = Notification.objects.get(user__username="olga")
    assert (
        note.text == f"At risk: #{card.pk} Drills for Acme (Received) is due Nov 24, 2026, 10:05."
    )
    assert note.zone == "Asia/Tokyo"
    body = mailoutbox[0].body
    assert body.count("Times in Asia/Tokyo (JST).") == 1
    assert "UTC" not in body and "JST" not in body.replace("Times in Asia/Tokyo (JST).", "")
