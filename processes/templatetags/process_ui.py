"""The display filters about processes: a card's clocks and a process's time zone. Built into
every template (settings.TEMPLATES' `builtins`), so pages that `{% load opmodel_ui %}` for the
base filters need nothing more.
"""

from datetime import datetime, timedelta

from django import template

from opmodel.formatting import duration_text, moment_text
from opmodel.formatting import times_note as times_note_text
from processes import sla
from processes.definition import process_zone_name
from processes.models import SLAState
from processes.models.calendars import STANDARD_CALENDAR

register = template.Library()


@register.filter
def sla_state_at(card, now: datetime) -> str | None:
    """The card's status clock at the page's instant: on_track, at_risk, breached or None."""
    return sla.sla_state(card, now)


@register.filter
def target_state_at(card, now: datetime) -> str | None:
    """The card's whole-process target clock at the page's instant."""
    return sla.target_state(card, now)


@register.filter
def overdue_at(approval, now: datetime) -> bool:
    return approval.is_overdue_at(now)


@register.filter
def sla_text(card, now: datetime) -> str:
    """The SLA state in words with the time left: "2h left", "late by 3h", "paused, 1h used"."""
    if sla.sla_state(card, now) is None:
        return ""
    if card.sla_resumed_at is None:
        used = duration_text(timedelta(seconds=card.sla_consumed))
        return f"Paused, {used} of business time used"
    left = card.due_at - now
    if left.total_seconds() <= 0:
        return f"Late by {duration_text(left)}"
    return f"{duration_text(left)} left"


@register.filter
def sla_label(state: str | None) -> str:
    return SLAState(state).label if state in SLAState.values else ""


@register.filter
def when(moment: datetime | None, zone: str | None = None) -> str:
    """{{ card.due_at|when:zone }}: the one date format, in the process calendar's zone
    (a page about one process passes it; else the standard calendar's), unlabelled: the page
    names its zone once ({% times_note %})."""
    return moment_text(moment, zone or STANDARD_CALENDAR["timezone"])


@register.filter
def when_for(moment: datetime | None, card) -> str:
    """{{ card.due_at|when_for:card }}: `when` in the zone of the card's process calendar (lists
    of cards of several processes; select the process's calendar with the cards)."""
    return when(moment, process_zone_name(card.process))


@register.filter
def process_zone(process) -> str:
    """The time zone a process's times are shown in: its calendar row's."""
    if process is None:
        return STANDARD_CALENDAR["timezone"]
    return process_zone_name(process)


def _process_of(thing):
    """The process a thing on a page belongs to: itself, a card's, an approval's card's."""
    if thing is None or hasattr(thing, "calendar_id"):
        return thing
    if hasattr(thing, "process_id"):
        return thing.process
    return _process_of(getattr(thing, "card", None))


@register.simple_tag
def times_note(things, now: datetime) -> str:
    """{% times_note rows now %}: the page's one line naming the zone of its times ("Times in
    Europe/Berlin (CET)."), from what it shows: a process, a card, an approval, or a list of
    them (or of rows holding a `card`); None names the standard calendar's zone (pages about no
    process, such as stock)."""
    if things is None or hasattr(things, "pk"):
        things = [things]
    zones: dict[str, set[str]] = {}
    for thing in things:
        if isinstance(thing, dict):
            thing = thing.get("card")
        process = _process_of(thing)
        zone = process_zone(process)
        zones.setdefault(zone, set())
        if process is not None:
            zones[zone].add(process.name)
    return times_note_text(zones, now)
