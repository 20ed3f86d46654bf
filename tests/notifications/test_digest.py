"""The e-mail digest reads only what it sends (issue 25, point 6): per user a count, the oldest
DIGEST_LINES notifications and the user, in a fixed number of queries whatever the backlog;
every notification counted is marked e-mailed."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Notification
from notifications.services.email import DIGEST_LINES, notifications_email_send

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _backlog(user, count: int) -> list[int]:
    rows = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind="alert",
            text=f"Card {k} at risk",
            url=f"/cards/{k}/",
            subject=f"card:{k}",
            created_at=T0 + timedelta(minutes=k),
            email_to_send=True,
        )
        for k in range(count)
    )
    return [n.pk for n in rows]


def test_a_long_backlog_lists_the_oldest_twenty_and_counts_the_rest(
    alice, bob, mailoutbox, django_assert_num_queries
):
    ids = _backlog(alice, 25) + _backlog(bob, 1)

    # the totals per user, the listed lines, the users, one UPDATE per user e-mailed
    with django_assert_num_queries(5):
        sent = notifications_email_send(notification_ids=ids, now=T0 + timedelta(hours=2))

    assert DIGEST_LINES == 20
    assert sent == 26
    to_alice, to_bob = sorted(mailoutbox, key=lambda m: m.to)
    assert to_alice.subject == "[Opmodel] 25 cards need attention"
    assert "25 cards need your attention:" in to_alice.body
    assert "- Card 0 at risk" in to_alice.body and "- Card 19 at risk" in to_alice.body
    assert "Card 20 at risk" not in to_alice.body
    assert "... and 5 more in the app." in to_alice.body
    assert to_bob.subject == "[Opmodel] Card 0 at risk"
    assert "A card needs your attention:" in to_bob.body and "more in the app" not in to_bob.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert Notification.objects.filter(email_to_send=True).count() == 0


def test_the_queries_do_not_grow_with_the_backlog(alice, mailoutbox, django_assert_num_queries):
    ids = _backlog(alice, 300)

    with django_assert_num_queries(4):
        assert notifications_email_send(notification_ids=ids, now=T0 + timedelta(hours=9)) == 300
    assert mailoutbox[0].body.count("\n- Card ") == 20
    assert "... and 280 more in the app." in mailoutbox[0].body
    # Sent once: a retry finds nothing left.
    assert notifications_email_send(notification_ids=ids, now=T0 + timedelta(hours=9)) == 0
