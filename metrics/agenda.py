"""Lists that apps above metrics add to a review's agenda (reviews reads them, the apps register
them at start-up: neither imports the other; docs/design.md, "Architecture").

A list is `items(process, now=, today=) -> list[dict] | None`: each item a dict with `key` (for
notes and carry-over, e.g. "invoice:12"), `text`, `detail`, `url` and `tone` ("", "warn",
"worse", "better"); None when it has nothing to say for the process (it is left out).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class AgendaList:
    name: str
    level: str  # daily, weekly or monthly
    title: str
    items: Callable[..., list[dict] | None]
    empty: str = "Nothing."


AGENDA_LISTS: dict[str, AgendaList] = {}


def agenda_list_register(*, name: str, level: str, title: str, items, empty="Nothing.") -> None:
    AGENDA_LISTS[name] = AgendaList(name, level, title, items, empty)


def agenda_sections(lists, process, *, now: datetime, today: date) -> list[dict]:
    """The lists as agenda sections, in their order; a list answering None is left out. The one
    way an agenda's lists become sections, reviews' own lists and the registered ones alike."""
    sections = []
    for agenda in lists:
        items = agenda.items(process, now=now, today=today)
        if items is not None:
            sections.append(
                {"slug": agenda.name, "title": agenda.title, "items": items, "empty": agenda.empty}
            )
    return sections


def agenda_lists_of(level: str) -> list[AgendaList]:
    """The lists registered for `level`, in the order registered."""
    return [agenda for agenda in AGENDA_LISTS.values() if agenda.level == level]


def agenda_lists(level: str, process, *, now: datetime, today: date) -> list[dict]:
    """The registered lists of `level` for the process, as agenda sections."""
    return agenda_sections(agenda_lists_of(level), process, now=now, today=today)
