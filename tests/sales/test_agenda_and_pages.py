"""The rhythm and the screens of repeat sales: the weekly review's agenda lists the open
reactivations (the nearest deadline first, won-ready ones marked); the card page shows the
client's segment and account manager; the weekly dashboard shows the figures by segment."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape as html_unescape

import time_machine

from processes.models import RequestCard
from processes.services import card_transition
from reviews.selectors.agendas import weekly
from sales.services import reactivation_scan

T0 = datetime(2030, 2, 4, 10, tzinfo=UTC)  # a Monday
DAY = timedelta(days=1)


def _section(process, now):
    sections = {s["slug"]: s for s in weekly(process, now=now, today=now.date())}
    return sections.get("reactivations")


def test_weekly_agenda_lists_the_open_reactivations(
    make_client, wholesale, retail, sam, order, o2c, reactivation
):
    north = make_client("Northwind", wholesale, sam, since=T0 - 100 * DAY)
    delta = make_client("Delta", retail, sam, since=T0 - 100 * DAY)
    order(north, T0 - 40 * DAY)
    order(delta, T0 - 70 * DAY)
    opened = reactivation_scan(now=T0)["opened"]
    cards = {RequestCard.objects.get(pk=i).client.name: i for i in opened}
    order(north, T0 + DAY)  # Northwind ordered since: ready to be marked won
    now = T0 + 3 * DAY  # Thursday: Delta's two working days to make contact have run out
    with time_machine.travel(now, tick=False):
        section = _section(o2c, now)
        assert _section(reactivation, now)["items"] == section["items"]
    assert section["title"] == "Reactivations: clients past their usual interval between orders"
    assert [(i["key"], i["text"], i["tone"]) for i in section["items"]] == [
        (f"reactivation:{_row(cards['Northwind'])}", f"#{cards['Northwind']} Northwind, Wholesale",
         "better"),
        (f"reactivation:{_row(cards['Delta'])}", f"#{cards['Delta']} Delta, Retail", "worse"),
    ]  # fmt: skip
    north_detail, delta_detail = (i["detail"] for i in section["items"])
    assert north_detail == "account manager sam; last order Feb 5, 2030; ordered since: mark it won"
    assert delta_detail == "account manager sam; last order Nov 26, 2029; past its deadline"
    # Closed ones leave the list.
    card_transition(
        actor=sam,
        card=RequestCard.objects.get(pk=cards["Northwind"]),
        name="win",
        at=now,
    )
    with time_machine.travel(now, tick=False):
        texts = [i["text"] for i in _section(o2c, now)["items"]]
    assert texts == [f"#{cards['Delta']} Delta, Retail"]


def _row(card_id):
    from sales.models import Reactivation

    return Reactivation.objects.get(card_id=card_id).pk


def test_card_page_shows_segment_and_account_manager(
    client, make_client, wholesale, sam, order, alice, charlie
):
    sam.first_name, sam.last_name = "Sam", "Seller"
    sam.save()
    card = order(make_client("Northwind", wholesale, sam), T0)
    client.force_login(alice)
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert 'data-testid="client-segment">Wholesale' in page
    assert "orders every 30 days as a rule" in page
    assert 'data-testid="client-account-manager">Sam Seller' in page
    client.force_login(charlie)
    assert client.get(f"/cards/{card.pk}/").status_code == 404


def test_weekly_dashboard_shows_repeat_sales_by_segment(
    client, make_client, wholesale, sam, order, o2c, alice
):
    north = make_client("Northwind", wholesale, sam)
    order(north, datetime(2030, 3, 4, 12, tzinfo=UTC))
    second = order(north, datetime(2030, 3, 5, 12, tzinfo=UTC))
    from metrics.services import weekly_snapshot_compute

    now = datetime(2030, 3, 12, 12, tzinfo=UTC)
    weekly_snapshot_compute(process_id=o2c.pk, week="2030-W10", now=now)
    client.force_login(alice)
    with time_machine.travel(now, tick=False):
        client.force_login(alice)
        page = client.get(f"/dashboards/weekly/?process={o2c.slug}&week=2030-W10")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Repeat sales" in html
    row = html.split('<tr data-segment="Wholesale">', 1)[1].split("</tr>", 1)[0]
    base = "/sales/week/cards/?process=order-to-cash&amp;week=2030-W10&amp;figure="
    assert re.findall(r'<td><a href="([^"]+)">(\d+)</a></td>', row) == [
        (f"{base}orders&amp;segment=Wholesale", "2"),
        (f"{base}repeat_orders&amp;segment=Wholesale", "1"),
        (f"{base}reactivations_opened&amp;segment=Wholesale", "0"),
        (f"{base}reactivations_won&amp;segment=Wholesale", "0"),
        (f"{base}reactivations_lost&amp;segment=Wholesale", "0"),
    ]
    # Every number links to the cards behind it: the repeat order is the second one.
    with time_machine.travel(now, tick=False):
        cards = client.get(html_unescape(f"{base}repeat_orders&amp;segment=Wholesale"))
    assert cards.status_code == 200
    assert [c.pk for c in cards.context["cards"]] == [second.pk]
