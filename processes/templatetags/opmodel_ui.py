"""Small display helpers for the operations screens.

Filters that depend on the time take the page's `now` (`{{ card.created_at|since:now }}`): a view
takes the clock once per request and every figure on the page agrees with it.
"""

from datetime import datetime, timedelta

from django import template

from processes import sla
from processes.definition import process_zone_name
from processes.formatting import (
    duration_text,
    moment_text,
    money_text,
    percent_text,
    person_text,
)
from processes.models import SLAState
from processes.models.calendars import STANDARD_CALENDAR

register = template.Library()


def _now(now: datetime | None) -> datetime:
    # Every page passes the `now` it took once for the request; a template that forgot it fails
    # loudly here instead of reading the clock behind the page's back.
    if now is None:
        raise ValueError(
            "Pass the page's `now` to this filter, e.g. {{ card.created_at|since:now }}."
        )
    return now


@register.filter
def since(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, compactly: "45m", "5h", "3d", "7w" (a moment ahead reads "<1m")."""
    if not moment:
        return ""
    return duration_text(max(_now(now) - moment, timedelta(0)))


@register.filter
def person(user) -> str:
    return person_text(user)


@register.filter
def initials(user) -> str:
    name = person(user)
    parts = [p for p in name.replace(".", " ").replace("_", " ").split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


@register.filter
def age_class(moment: datetime | None, now: datetime | None = None) -> str:
    """A hint of staleness for tiles: fresh under 3 days, old over 2 weeks."""
    if not moment:
        return ""
    days = (_now(now) - moment).days
    if days >= 14:
        return "age-old"
    if days >= 3:
        return "age-mid"
    return "age-fresh"


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
def percent(value) -> str:
    """{{ card.margin_percent|percent }}: "12.50%", "15%", or a dash when there is none."""
    return percent_text(value)


@register.filter
def when(moment: datetime | None, zone: str | None = None) -> str:
    """{{ card.due_at|when:zone }}: the one date format, in the process calendar's zone
    (a page about one process passes it; else the standard calendar's), labelled with it."""
    return moment_text(moment, zone or STANDARD_CALENDAR["timezone"])


@register.filter
def when_for(moment: datetime | None, card) -> str:
    """{{ card.due_at|when_for:card }}: `when` in the zone of the card's process calendar (lists
    of cards of several processes; select the process's calendar with the cards)."""
    calendar = card.process.calendar
    return when(moment, calendar.timezone if calendar is not None else None)


@register.filter
def unread_badge(count) -> str:
    """What the header's badge shows, and its accessible name says: "7", "99+", or nothing."""
    # str(): the header's count is a lazy object, which proxies str() but not int().
    count = int(str(count or 0))
    if count <= 0:
        return ""
    return "99+" if count > 99 else str(count)


@register.filter
def money(value) -> str:
    """{{ card.net_total|money }}: "1,250.00", or a dash when there is none."""
    return money_text(value)


@register.filter
def process_zone(process) -> str:
    """The time zone a process's times are shown in: its calendar row's."""
    if process is None:
        return STANDARD_CALENDAR["timezone"]
    return process_zone_name(process)
