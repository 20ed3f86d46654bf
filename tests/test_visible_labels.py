"""People read labels, never keys: a walk over the main pages of the demo data (seed_demo and
the seed commands scripts/run uses) as ops, manager and owner, looking for status,
block-reason, transition and exception-rule keys in the text a person reads. The API and the
CSV keep their keys and are not walked.

Keys with an underscore or a dash (`awaiting_payment`, `waiting_documents`, `mark_lost`) are
looked for anywhere; one-word keys (`received`, `agreed`, `qualify`) where a label belongs: a
text standing alone (a cell, a badge), in brackets, after "in", "from", "to", an arrow or before
a colon, since "cards agreed in the week" is plain English.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from goals.models import Goal
from processes.models import BlockReason, ExceptionRule, RequestCard, Status, Transition
from reviews.models import Review

pytestmark = pytest.mark.django_db

SKIPPED = {"script", "style", "template"}


class VisibleText(HTMLParser):
    """The text nodes a person can read (attributes, scripts and styles left out)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def keys_shown(texts: list[str], keys: set[str]) -> dict[str, str]:
    """{key: the first text showing it}."""
    found = {}
    for key in keys:
        if "_" in key or "-" in key:
            pattern = re.compile(rf"(?<![\w/-]){re.escape(key)}(?![\w/-])")
        else:
            pattern = re.compile(
                rf"^{key}(?:$|:)|\b(?:in|from|to|into)\s+{key}\b|→\s*{key}\b|\b{key}\s*→"
                rf"|\({key}\)"
            )
        shown = next((t for t in texts if pattern.search(t)), None)
        if shown is not None:
            found[key] = shown[:120]
    return found


@pytest.fixture
def demo():
    for command, options in [
        ("seed_demo", {"cards": 60}),
        ("metrics_backfill", {}),
        ("seed_demo_goals", {}),
        ("seed_demo_reviews", {}),
    ]:
        call_command(command, verbosity=0, **options)


def _pages() -> list[str]:
    cards = RequestCard.objects.order_by("id")
    blocked = cards.filter(is_blocked=True).first()
    reviews = [
        Review.objects.filter(level=level).order_by("-held_on").values_list("pk", flat=True)[0]
        for level in ("daily", "weekly", "monthly")
    ]
    return [
        "/",
        "/queue/",
        "/approvals/",
        "/risks/?process=order-to-cash",
        "/dashboards/weekly/?process=order-to-cash",
        "/dashboards/weekly/cards/?process=order-to-cash&metric=throughput",
        "/goals/",
        *[f"/goals/{pk}/" for pk in Goal.objects.values_list("pk", flat=True)],
        "/reviews/?process=order-to-cash",
        *[f"/reviews/{pk}/" for pk in reviews],
        "/decisions/",
        "/decisions/?state=done",
        "/model-health/?process=order-to-cash",
        "/notifications/",
        f"/cards/{cards.first().pk}/",
        *([f"/cards/{blocked.pk}/"] if blocked else []),
    ]


def test_no_page_a_person_reads_shows_a_status_block_reason_or_rule_key(demo):
    keys = (
        set(Status.objects.values_list("slug", flat=True))
        | set(BlockReason.objects.values_list("slug", flat=True))
        | set(Transition.objects.values_list("name", flat=True))
        | set(ExceptionRule.objects.values_list("family", flat=True))
    )
    assert {"awaiting_payment", "received", "agreed"} <= keys
    pages = _pages()
    leaks = {}
    for username in ("ops", "manager", "owner"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for url in pages:
            response = client.get(url)
            assert response.status_code in (200, 404), (username, url, response.status_code)
            if response.status_code == 200:
                found = keys_shown(visible_texts(response.content.decode()), keys)
                if found:
                    leaks[f"{username} {url}"] = found
    assert not leaks, "\n".join(f"{page}: {found}" for page, found in leaks.items())


def test_the_walk_finds_a_key_where_a_label_belongs():
    keys = {"received", "awaiting_payment", "waiting_documents"}
    assert set(keys_shown(["received"], keys)) == {"received"}
    assert set(keys_shown(["at risk in received"], keys)) == {"received"}
    assert set(keys_shown(["Blocked: waiting_documents"], keys)) == {"waiting_documents"}
    assert set(keys_shown(["awaiting_payment → closed"], keys)) == {"awaiting_payment"}
    assert set(keys_shown(["Deferred payment (received)"], keys)) == {"received"}
    plain = ["Requests received this week", "Received", "Cards agreed: 12", "Awaiting payment"]
    assert keys_shown(plain, keys) == {}
