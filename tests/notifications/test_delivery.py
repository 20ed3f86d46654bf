"""Delivery: in-app rows written once per key, e-mail handed to a worker after the commit (never
sent in the request), retried on a mail failure, with subjects that survive any user text."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from metrics.models import AlertLevel
from notifications.api.serializers import ALERT_LEVELS
from notifications.models import Notification, NotificationPreference
from notifications.services import Message, notify, notify_many
from notifications.services.email import notifications_email_send, subject_line
from notifications.tasks import email_send_task

pytestmark = pytest.mark.django_db


def _notify(users, key="", text="Approval needed: #1 Drills", **extra):
    return notify(
        users=users,
        kind="approval",
        text=text,
        url="/cards/1/",
        subject="card:1",
        key=key,
        now=timezone.now(),
        **extra,
    )


def test_a_key_reaches_each_user_once(alice, bob, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify([alice, bob], key="approval:7:requested")
    with django_capture_on_commit_callbacks(execute=True):
        again = _notify([alice, bob.pk], key="approval:7:requested")

    assert len(first) == 2 and again == []
    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 2


def test_a_batch_mixes_keyed_and_unkeyed_messages_and_returns_their_ids(alice, bob):
    _notify([alice], key="k:1")
    messages = [
        Message({alice.pk, bob.pk}, "alert", "one", key="k:1"),  # alice has it already
        Message({alice.pk}, "alert", "two"),
        Message({bob.pk}, "alert", "three", key="k:2"),
        Message({bob.pk}, "alert", "three again", key="k:2"),  # the same key in one batch
    ]
    written = notify_many(messages=messages, now=timezone.now())

    assert sorted((n.user.username, n.text) for n in written) == [
        ("alice", "two"),
        ("bob", "one"),
        ("bob", "three"),
    ]
    for n in written:
        assert Notification.objects.get(pk=n.pk).text == n.text


def test_inactive_users_and_nobody_cost_nothing(alice, django_assert_num_queries):
    alice.is_active = False
    alice.save()
    assert _notify([alice]) == []
    with django_assert_num_queries(0):
        assert _notify([]) == []


def test_notify_runs_two_queries(alice, bob, olga, django_assert_num_queries):
    with django_assert_num_queries(2):  # the users with their preference, one INSERT
        assert len(_notify([alice, bob, olga], key="x")) == 3


def test_preference_off_means_no_email_but_the_notification(
    alice, bob, django_capture_on_commit_callbacks, mailoutbox
):
    NotificationPreference.objects.create(user=bob, email_enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice, bob])

    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    assert Notification.objects.get(user=bob).emailed_at is None
    assert Notification.objects.get(user=alice).emailed_at is not None


def test_email_is_queued_on_commit_and_not_sent_in_the_request(
    filesystem_broker, alice, django_capture_on_commit_callbacks, mailoutbox
):
    queued = filesystem_broker / "out"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([alice])
    assert list(queued.iterdir()) == []  # nothing before the commit

    for callback in callbacks:
        callback()

    (message,) = queued.iterdir()
    assert "notifications.tasks.email_send" in message.read_text()
    assert mailoutbox == []
    assert Notification.objects.get(user=alice).emailed_at is None


def test_a_broker_that_is_down_does_not_fail_the_committed_change(
    alice, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def down(*args, **kwargs):
        raise ConnectionError("The broker is down.")

    monkeypatch.setattr(email_send_task, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice])

    assert Notification.objects.get(user=alice).email_to_send is True  # for the sweep
    assert "The broker is down." in caplog.text


def test_a_subject_never_breaks_on_user_text(alice, django_capture_on_commit_callbacks, mailoutbox):
    text = "Approved: #1 Drills\r\nBcc: someone@example.com\x07\u2028and\ttabs"
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice], text=text)

    (sent,) = mailoutbox
    assert sent.subject == "[Opmodel] Approved: #1 Drills Bcc: someone@example.com and tabs"
    assert sent.message()["Subject"] == sent.subject
    assert sent.bcc == []
    assert subject_line("x" * 500) == "[Opmodel] " + "x" * 190


class RefusesBob(LocmemBackend):
    def send_messages(self, messages):
        if any("bob@example.com" in m.to for m in messages):
            raise smtplib.SMTPRecipientsRefused({"bob@example.com": (450, b"Try later")})
        return super().send_messages(messages)


def test_a_mail_failure_is_raised_after_the_others_went_and_the_retry_sends_the_rest(
    alice, bob, settings, mailoutbox
):
    ids = [n.pk for n in _notify([alice, bob])]
    settings.EMAIL_BACKEND = f"{__name__}.RefusesBob"

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        notifications_email_send(notification_ids=ids, now=timezone.now())
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert Notification.objects.get(user=bob).emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_email_send(notification_ids=ids, now=timezone.now()) == 1
    assert [m.to for m in mail.outbox] == [["alice@example.com"], ["bob@example.com"]]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_task_retries_mail_failures():
    assert set(email_send_task.autoretry_for) == {smtplib.SMTPException, OSError}
    assert email_send_task.max_retries >= 10 and email_send_task.acks_late


def test_the_api_levels_are_the_alert_levels():
    assert ALERT_LEVELS == list(AlertLevel.choices)


def test_the_sweep_sends_what_was_never_queued_once(
    alice, bob, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from datetime import timedelta

    from notifications.services import EMAIL_QUEUE_GRACE, emails_never_queued_send

    def down(*args, **kwargs):
        raise ConnectionError("The broker is down.")

    now = timezone.now()
    with monkeypatch.context() as patch:
        patch.setattr(email_send_task, "apply_async", down)
        with django_capture_on_commit_callbacks(execute=True):
            _notify([alice, bob])

    assert emails_never_queued_send(now=now) == 0  # too fresh: its on_commit may be queuing it
    later = now + EMAIL_QUEUE_GRACE + timedelta(seconds=1)
    assert emails_never_queued_send(now=later) == 2
    assert emails_never_queued_send(now=later) == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "bob@example.com"]
    assert not Notification.objects.filter(email_to_send=True).exists()


def test_a_queued_email_is_no_longer_to_send(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice])

    assert Notification.objects.get(user=alice).email_to_send is False
