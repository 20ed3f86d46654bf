"""The weekly dashboard page, its CSV downloads and the cards behind its numbers."""

import csv
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from metrics.services import weekly_snapshots_catch_up
from processes.services import card_create, card_transition
from tests.metrics.test_flow_metrics import NOW, WEEK, at, history  # noqa: F401 (a fixture)

URL = "/dashboards/weekly/"
CARDS = "/dashboards/weekly/cards/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def computed(history, o2c):  # noqa: F811
    weekly_snapshots_catch_up(now=NOW)
    return history


def login(user) -> Client:
    client = Client()
    # force_login: Client.login() calls authenticate() without a request, which django-axes
    # (the first authentication backend) refuses.
    client.force_login(user)
    return client


def number_link(html: str, figure: str) -> str:
    match = re.search(rf'<a href="([^"]+)" data-number="{figure}">([^<]*)</a>', html)
    assert match, f"no link for {figure}"
    return match[1].replace("&amp;", "&"), match[2]


def test_the_last_complete_week_shows_each_figure_with_the_previous_week_and_trend(computed, alice):
    response = login(alice).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Weekly flow: Order to cash" in html
    assert 'value="2026-W47"' in html
    href, text = number_link(html, "intake")
    assert text == "3"
    assert href == f"{CARDS}?process=order-to-cash&week=2026-W47&metric=intake"
    assert number_link(html, "cycle_p85")[1] == "7.5"
    assert number_link(html, "on_time")[1] == "25%"
    assert number_link(html, "unassigned")[1] == "67%"
    # One trend chart per figure, each an inline SVG with no outside resource.
    assert html.count('class="headline-trend"><svg') == 18
    assert "http://" not in html.split("<main", 1)[1].replace("http://www.w3.org/2000/svg", "")
    for section in [
        "throughput",
        "cumulative-flow",
        "cycle-time",
        "aging-wip",
        "blocked",
        "sla",
        "conversion",
        "win-rate",
        "margin",
    ]:
        assert f'id="{section}"' in html
        assert f'data-csv="{section}"' in html
    assert 'id="definitions"' in html
    assert "first transition out of the" in html


def test_the_definitions_fix_the_open_instants_and_the_rounding(computed, alice):
    html = login(alice).get(URL).content.decode().split('id="definitions"', 1)[1]
    # Leaving at the deadline's instant is on time; a same-instant change counts as written.
    assert "ended on time and is no breach" in html
    assert "a change at the same instant as a move but recorded after it comes after" in html
    assert "counts if it was recorded before the move" in html
    # One rounding rule, the margin floor read as shown; the client at the week's end.
    assert "11.995% is 12.00%, not under a 12% floor" in html
    assert "with the client it had at the end of the week" in html
    assert "a later change of priority moves only deadlines still ahead" in html


def test_every_number_in_a_table_links_to_cards(computed, alice):
    html = login(alice).get(URL, {"process": "order-to-cash", "week": WEEK}).content.decode()
    cells = re.findall(r"<td>(.*?)</td>", html)
    numbers = [c for c in cells if re.fullmatch(r"[-\d.%—]+", c)]
    assert numbers == []  # numbers without a link: none
    linked = re.findall(r'<td><a href="(/[^"]+)">[-\d.%]+</a></td>', html)
    assert len(linked) > 100


def test_a_number_opens_the_cards_behind_it(computed, alice):
    html = login(alice).get(URL).content.decode()
    href, _ = number_link(html, "intake")

    response = login(alice).get(href)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<span data-testid="cards-total">3</span>' in page
    for name in ["B", "C", "E"]:
        assert f'href="/cards/{computed[name]}/"' in page
    assert f'href="/cards/{computed["A"]}/"' not in page


def test_the_cards_behind_a_keyed_number(computed, alice):
    response = login(alice).get(
        CARDS,
        {"process": "order-to-cash", "week": WEEK, "metric": "blocked", "key": "waiting_stock"},
    )
    page = response.content.decode()
    assert '<span data-testid="cards-total">1</span>' in page
    assert f'href="/cards/{computed["D"]}/"' in page


def test_an_unknown_metric_is_a_400_with_a_message(computed, alice):
    response = login(alice).get(CARDS, {"process": "order-to-cash", "week": WEEK, "metric": "x"})
    assert response.status_code == 400
    assert "Choose one of:" in response.content.decode()


def test_each_table_downloads_as_csv(computed, alice):
    response = login(alice).get(
        "/dashboards/weekly/csv/sla/", {"process": "order-to-cash", "week": WEEK}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "order-to-cash-2026-w47-sla.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Status",
        "Deadlines passed (breaches)",
        "Visits ended",
        "Visits ended late",
        "Ended on time",
        "Breaches, previous week",
    ]
    # B and C left received late; E's deadline passed there while it waits.
    assert rows[1][:5] == ["Received", "3", "2", "2", "0.0"]
    assert len(rows) == 7


def test_an_unknown_table_is_404(computed, alice):
    response = login(alice).get("/dashboards/weekly/csv/nope/", {"process": "order-to-cash"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("week", "message"),
    [("2026-W99", "2026 has no ISO week 99"), ("abc", "is not an ISO week such as 2026-W47")],
)
def test_a_bad_week_is_a_form_error(computed, alice, week, message):
    response = login(alice).get(URL, {"week": week})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'class="field-error"[^>]*>[^<]*{re.escape(message)}', html)
    assert 'aria-invalid="true"' in html
    csv_response = login(alice).get("/dashboards/weekly/csv/sla/", {"week": week})
    assert csv_response.status_code == 400


@pytest.mark.parametrize("url", [URL, CARDS, "/dashboards/weekly/csv/sla/"])
def test_the_first_week_of_the_calendar_is_a_400_naming_the_week(computed, alice, url):
    # 0001-W01 starts in year 0 once its Berlin midnight is written in UTC.
    params = {"process": "order-to-cash", "week": "0001-W01", "metric": "intake"}

    response = login(alice).get(url, params)

    assert response.status_code == 400
    if url != "/dashboards/weekly/csv/sla/":
        assert "Choose a week of the years 1900 to 9998" in response.content.decode()


def test_a_week_not_computed_says_how_to_get_it(computed, alice):
    html = login(alice).get(URL, {"week": "2026-W20"}).content.decode()
    assert "No figures for 2026-W20 yet" in html
    assert "metrics_backfill" in html


def test_an_outsider_sees_no_process_and_404_for_one_named(computed, charlie):
    client = login(charlie)
    assert "No processes for you yet" in client.get(URL).content.decode()
    assert client.get(URL, {"process": "order-to-cash"}).status_code == 404
    assert client.get(CARDS, {"process": "order-to-cash", "metric": "intake"}).status_code == 404
    csv_url = "/dashboards/weekly/csv/sla/"
    assert client.get(csv_url, {"process": "order-to-cash"}).status_code == 404


def test_the_pages_need_a_login(computed):
    for url in [URL, CARDS, "/dashboards/weekly/csv/sla/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_pages_answer_only_get(computed, alice):
    for url in [URL, CARDS, "/dashboards/weekly/csv/sla/"]:
        assert login(alice).post(url).status_code == 405


def _more_history(o2c, alice, count: int) -> None:
    for n in range(count):
        card = card_create(
            actor=alice, process=o2c, title=f"Extra {n}", channel="website", at=at(11, 16)
        )
        card_transition(actor=alice, card=card, name="mark_lost", lost_reason="No", at=at(11, 17))
    weekly_snapshots_catch_up(now=NOW + timedelta(days=1))  # nothing: complete weeks stay
    from metrics.services import weekly_snapshot_compute

    for week in ["2026-W46", WEEK]:
        weekly_snapshot_compute(process_id=o2c.pk, week=week, now=NOW)


def test_the_dashboard_runs_a_fixed_number_of_queries(
    computed, alice, o2c, django_assert_num_queries
):
    client = login(alice)
    # 19: the five of the dashboard, one for the key results panel of goals (issue 12), one
    # for the stock section (issue 23; here the process has no stock lines), three for the
    # money section (issue 24: any invoices, the outstanding and overdue, the payments), six
    # for repeat sales (issue 26: the segments; the orders with their clients as at the week's
    # end: the client changes since, the week's cards, their clients' first orders (the cards
    # whose client changed since are read apart, only when there are any: here none), their
    # segments; the reactivations), two for customer service's quality section (issue 26: the
    # complaints, the shipments) and one for the exceptions no rule foresees (issue 26: any;
    # here none).
    with django_assert_num_queries(19):
        small = client.get(URL, {"process": "order-to-cash", "week": WEEK})
    _more_history(o2c, alice, 60)
    with django_assert_num_queries(19):
        large = client.get(URL, {"process": "order-to-cash", "week": WEEK})
    assert number_link(small.content.decode(), "intake")[1] == "3"
    assert number_link(large.content.decode(), "intake")[1] == "63"


def test_the_page_shows_the_sections_registered_by_the_apps_above(computed, alice, monkeypatch):
    """metrics loads no tag of the apps above (tests/test_architecture.py): they register
    sections (metrics/sections.py), and the page shows each one's HTML, for the process shown,
    above the figures; a section whose `compute` has nothing to
    say is not drawn, one with figures gets them and adds them to the API's answer."""
    from django.utils.html import format_html

    from metrics import sections

    seen = []

    def panel(request, process, week, figures):
        seen.append((process.slug, week, figures))
        return format_html('<section data-testid="a-panel">{}</section>', process.name)

    def counted(request, process, week, figures):
        return format_html('<p data-testid="counted">{}</p>', figures["n"])

    monkeypatch.setitem(sections.SECTIONS, "tests.a_panel", sections.WeeklySection("a", panel))
    monkeypatch.setitem(
        sections.SECTIONS, "tests.empty", sections.WeeklySection("e", lambda *a: "")
    )
    monkeypatch.setitem(
        sections.SECTIONS, "tests.silent",
        sections.WeeklySection("silent", counted, lambda process, week: None),
    )  # fmt: skip
    monkeypatch.setitem(
        sections.SECTIONS, "tests.counted",
        sections.WeeklySection("counted", counted, lambda process, week: {"n": 4}),
    )  # fmt: skip
    client = login(alice)
    html = client.get(URL, {"process": "order-to-cash", "week": WEEK}).content.decode()

    assert seen == [("order-to-cash", WEEK, None)]
    assert html.count('data-testid="a-panel"') == 1
    assert html.index('data-testid="a-panel"') < html.index('data-testid="as-of"')
    assert html.count('<p data-testid="counted">4</p>') == 1
    api = client.get("/api/metrics/weekly/", {"process": "order-to-cash", "week": WEEK}).json()
    assert api["counted"] == {"n": 4} and "silent" not in api and "a" not in api


def test_no_section_is_drawn_without_a_computed_week(alice, o2c, monkeypatch):
    from metrics import sections

    monkeypatch.setitem(
        sections.SECTIONS, "tests.a_panel",
        sections.WeeklySection("a", lambda *args: "<p>Panel</p>"),
    )  # fmt: skip
    html = login(alice).get(URL, {"process": "order-to-cash", "week": WEEK}).content.decode()
    assert "<p>Panel</p>" not in html
