"""The daily agenda is one list of lists (reviews/selectors/agendas.py `daily`): reviews' own
and those the apps above register (metrics/agenda.py) become sections the one way
(`agenda_sections`), in one order, a list answering None left out."""

import pytest

from metrics import agenda as registry
from metrics.agenda import AgendaList, agenda_list_register, agenda_sections
from reviews.selectors.agendas import daily
from tests.reviews.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

OWN = ["promises", "blocked", "at_risk", "approvals", "pickups", "unassigned", "decisions"]


@pytest.fixture
def registered():
    """Lists registered for the test, taken out again after it."""
    before = dict(registry.AGENDA_LISTS)
    yield
    registry.AGENDA_LISTS.clear()
    registry.AGENDA_LISTS.update(before)


def test_agenda_sections_keep_the_order_and_leave_out_a_list_with_nothing_to_say(o2c):
    seen = []

    def asked(name, answer):
        def items(process, *, now, today):
            seen.append((name, process, now, today))
            return answer

        return items

    lists = [
        AgendaList("one", "daily", "One", asked("one", [{"key": "x:1"}])),
        AgendaList("none", "daily", "Not here", asked("none", None)),
        AgendaList("two", "daily", "Two", asked("two", []), empty="All clear."),
    ]
    assert agenda_sections(lists, o2c, now=NOW, today=TODAY) == [
        {"slug": "one", "title": "One", "items": [{"key": "x:1"}], "empty": "Nothing."},
        {"slug": "two", "title": "Two", "items": [], "empty": "All clear."},
    ]
    assert seen == [(n, o2c, NOW, TODAY) for n in ("one", "none", "two")]


def test_the_daily_agenda_is_reviews_lists_then_the_registered_ones(o2c, registered):
    agenda_list_register(
        name="test_calls",
        level="daily",
        title="Calls to return",
        items=lambda process, *, now, today: [{"key": f"call:{process.slug}:{today}"}],
        empty="No call.",
    )
    agenda_list_register(
        name="test_silent", level="daily", title="Silent", items=lambda p, *, now, today: None
    )
    agenda_list_register(
        name="test_weekly", level="weekly", title="Weekly", items=lambda p, *, now, today: []
    )
    sections = daily(o2c, now=NOW, today=TODAY)
    slugs = [s["slug"] for s in sections]
    assert slugs[: len(OWN)] == OWN
    assert "test_silent" not in slugs and "test_weekly" not in slugs
    calls = sections[slugs.index("test_calls")]
    assert calls == {
        "slug": "test_calls",
        "title": "Calls to return",
        "items": [{"key": f"call:order-to-cash:{TODAY}"}],
        "empty": "No call.",
    }
    # Reviews' own lists have the registered ones' shape.
    assert {(s["slug"], s["empty"]) for s in sections[: len(OWN)]} == {(s, "Nothing.") for s in OWN}
