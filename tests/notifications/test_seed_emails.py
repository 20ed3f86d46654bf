"""The demo's seeds write notifications to the inbox but e-mail none: a seeded history is not
news, and on the embedded broker its few hundred e-mails sat ahead of the first deadline scan
(scripts/run's /health/ read "down" for minutes)."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from notifications.services import emails_withheld, notify

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_queue_no_email():
    with mock.patch("notifications.services.notifications.email_queue") as queued:
        for command, options in [
            ("seed_demo", {"cards": 40}),
            ("seed_demo_stock", {}),
            ("seed_demo_goals", {}),
            ("seed_demo_reviews", {}),
        ]:
            call_command(command, verbosity=0, **options)
    # The inbox has the seeded news (approvals asked and decided, decisions, a purchase card)...
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"approval", "decision", "purchase_opened"} <= kinds
    # ... and nothing is e-mailed, now or by the sweep later.
    assert not queued.called
    assert not Notification.objects.filter(email_to_send=True).exists()


def test_news_outside_the_seed_is_emailed_as_before(
    django_user_model, django_capture_on_commit_callbacks
):
    alice = django_user_model.objects.create_user("alice", email="alice@example.com")
    now = timezone.now()
    with emails_withheld():
        notify(users=[alice], kind="alert", text="Seeded", now=now)
    with mock.patch("notifications.services.notifications.email_queue") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            notify(users=[alice], kind="alert", text="Real news", now=now)
    queued.assert_called_once()
    assert list(Notification.objects.order_by("id").values_list("text", "email_to_send")) == [
        ("Seeded", False),
        ("Real news", True),
    ]
