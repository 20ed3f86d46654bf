"""One rule for time (issue 22, point 3): a walk over the pages of the demo data, as ops,
manager, owner and warehouse, checking that every page showing a time writes it in one
format, without its zone, and names the zone once ("Times in Europe/Berlin (CET)."); no date
in ISO form in the text a person reads.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from goals.models import Goal
from processes.models import RequestCard, Status
from reviews.models import Review
from stock.models import Product
from tests.test_visible_labels import visible_texts

pytestmark = pytest.mark.django_db

# A zone's abbreviation or name, where a time would carry it.
ZONE_WORD = re.compile(r"\b(?:CET|CEST|UTC|GMT|Europe/Berlin)\b")
A_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
AN_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
THE_NOTE = re.compile(r"Times in Europe/Berlin \((?:CET|CEST)\)\.")


@pytest.fixture
def demo():
    for command, options in [
        ("seed_demo", {"cards": 60}),
        ("seed_demo_stock", {}),
        ("metrics_backfill", {}),
        ("seed_demo_goals", {}),
        ("seed_demo_reviews", {}),
    ]:
        call_command(command, verbosity=0, **options)


def _pages() -> list[str]:
    cards = RequestCard.objects.order_by("id")
    blocked = cards.filter(is_blocked=True).first()
    with_history = cards.filter(events__kind="transition").first()
    status = Status.objects.filter(process__slug="order-to-cash", final=False).first()
    reviews = [
        Review.objects.filter(level=level).order_by("-held_on").values_list("pk", flat=True)[0]
        for level in ("daily", "weekly", "monthly")
    ]
    product = Product.objects.order_by("sku").first()
    return [
        "/",
        "/?process=order-to-cash",
        f"/board/column/{status.slug}/?process=order-to-cash",
        "/queue/",
        "/approvals/",
        "/approvals/?show=mine",
        "/risks/",
        "/risks/?process=order-to-cash",
        "/dashboards/weekly/?process=order-to-cash",
        "/dashboards/weekly/cards/?process=order-to-cash&metric=throughput",
        "/goals/",
        *[f"/goals/{pk}/" for pk in Goal.objects.values_list("pk", flat=True)],
        "/reviews/?process=order-to-cash",
        *[f"/reviews/{pk}/" for pk in reviews],
        "/decisions/",
        "/model-health/?process=order-to-cash",
        "/notifications/",
        "/processes/order-to-cash/flow/",
        "/stock/",
        f"/stock/products/{product.sku}/",
        f"/cards/{cards.first().pk}/",
        *([f"/cards/{blocked.pk}/"] if blocked else []),
        *([f"/cards/{with_history.pk}/"] if with_history else []),
    ]


def _problems(html: str) -> list[str]:
    """What breaks the rule on one page (the whole page, its tooltips included)."""
    problems = []
    text = " ".join(visible_texts(html))
    notes = THE_NOTE.findall(html)
    zones = ZONE_WORD.findall(THE_NOTE.sub("", html))
    if zones:
        problems.append(f"a zone written beside a time: {sorted(set(zones))}")
    if len(notes) > 1:
        problems.append(f"the zone named {len(notes)} times")
    if A_TIME.search(THE_NOTE.sub("", html)) and A_TIME.search(text) and not notes:
        problems.append(f"times without the zone named: {A_TIME.search(text).group()}")
    if AN_ISO_DATE.search(text):
        problems.append(f"an ISO date: {AN_ISO_DATE.search(text).group()}")
    return problems


def test_every_page_names_its_zone_once_and_writes_times_without_it(demo):
    pages = _pages()
    found, named = {}, 0
    for username in ("ops", "manager", "owner", "warehouse"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for url in pages:
            response = client.get(url, follow=True)
            if response.status_code != 200:
                continue
            html = response.content.decode()
            named += bool(THE_NOTE.search(html))
            problems = _problems(html)
            if problems:
                found[f"{username} {url}"] = problems
    assert not found, "\n".join(f"{page}: {problems}" for page, problems in found.items())
    assert named >= 20  # the walk did reach the pages with times


def test_the_walk_finds_a_zone_on_each_time_and_an_unnamed_zone():
    assert _problems("<p>Due Nov 27, 2026, 14:05 CET</p>") == [
        "a zone written beside a time: ['CET']",
        "times without the zone named: 14:05",
    ]
    assert _problems("<p>Due Nov 27, 2026, 14:05</p>") == ["times without the zone named: 14:05"]
    assert _problems('<p>Times in Europe/Berlin (CET).</p><p title="Nov 27, 2026, 14:05">') == []
    assert _problems("<td>2026-11-27</td>") == ["an ISO date: 2026-11-27"]
