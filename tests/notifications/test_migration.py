"""The data migrations that moved notifications and preferences out of metrics and roles: the
rows arrive with their ids, alert fields and links, and new rows continue after them."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from metrics.models import Alert
from notifications.models import Notification, NotificationPreference
from notifications.services import notify

BEFORE = [("metrics", "0004_weekly_snapshots"), ("roles", "0003_processrole_authority")]
AT = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_notifications_and_preferences_move_with_their_ids(make_card, alice, bob):
    card = make_card(title="Drills for Acme")
    alert = Alert.objects.create(
        card=card, status="received", visit=1, level="breached", due_at=AT, raised_at=AT
    )
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()

    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    OldNotification = old.get_model("metrics", "Notification")
    OldNotification.objects.create(
        id=40, user_id=alice.pk, alert_id=alert.pk, card_id=card.pk, text="Breached", created_at=AT
    )
    OldNotification.objects.create(
        id=41, user_id=bob.pk, card_id=card.pk, text="Approval needed", created_at=AT, read_at=AT
    )
    old.get_model("roles", "NotificationPreference").objects.create(
        user_id=bob.pk, email_enabled=False
    )

    _migrate(leaf)

    breached, approval = Notification.objects.order_by("pk")
    assert (breached.pk, breached.user_id, breached.kind) == (40, alice.pk, "alert")
    assert (breached.key, breached.subject, breached.url) == (
        f"alert:{alert.pk}",
        f"card:{card.pk}",
        f"/cards/{card.pk}/",
    )
    assert breached.data == {
        "card": card.pk,
        "card_title": "Drills for Acme",
        "level": "breached",
        "level_label": "Breached",
        "status": "received",
        "due_at": AT.isoformat(),
        "raised_at": AT.isoformat(),
    }
    assert (approval.pk, approval.kind, approval.key, approval.read_at) == (41, "approval", "", AT)
    assert list(NotificationPreference.objects.values_list("user_id", "email_enabled")) == [
        (bob.pk, False)
    ]
    # New rows continue after the moved ones (PostgreSQL's sequence was reset).
    (fresh,) = notify(users=[alice], kind="approval", text="Later", now=AT)
    assert fresh.pk > 41


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone(make_card, alice):
    card = make_card()
    notify(users=[alice], kind="approval", text="Hello", subject=f"card:{card.pk}", now=AT)
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()

    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    rows = old.get_model("metrics", "Notification").objects.values_list("user_id", "card_id")
    assert list(rows) == [(alice.pk, card.pk)]

    _migrate(leaf)
    assert Notification.objects.get().text == "Hello"
