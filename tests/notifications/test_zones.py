"""Times in what notifications show: in the zone of the process the news is about, recorded on
the notification when it is written (notifications may not ask processes), named once."""

from datetime import UTC, datetime

import pytest

from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_the_alerts_page_writes_times_in_the_zone_its_news_was_written_in(
    client, django_user_model
):
    """Issue 22: the tooltip's time was in the server's zone (the `date` filter), because this
    page may not ask processes for theirs: the notification records it when written."""
    alice = django_user_model.objects.create_user("alice", email="")
    at = datetime(2026, 11, 24, 1, 5, tzinfo=UTC)
    notify(users=[alice], kind="alert", text="Tokyo news", zone="Asia/Tokyo", now=at)
    client.force_login(alice)

    html = client.get("/notifications/").content.decode()
    assert 'title="Nov 24, 2026, 10:05"' in html
    assert html.count("Times in Asia/Tokyo (JST).") == 1
    assert "UTC" not in html and html.count("JST") == 1
