"""The base template's display filters, for every app's pages: `{% load opmodel_ui %}`.

Filters that depend on the time take the page's `now` (`{{ card.created_at|since:now }}`): a view
takes the clock once per request and every figure on the page agrees with it. The filters about
processes (clocks, zones) are in processes/templatetags/process_ui.py, built in (settings).
"""

from datetime import datetime, timedelta

from django import template

from opmodel.formatting import duration_text, moment_text, money_text, percent_text, person_text

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
def percent(value) -> str:
    """{{ card.margin_percent|percent }}: "12.50%", "15%", or a dash when there is none."""
    return percent_text(value)


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
def moment(value: datetime | None, zone: str) -> str:
    """{{ n.created_at|moment:zone }}: the one date format in the zone the page names once
    (pages that know no process; those about processes use `when`)."""
    return moment_text(value, zone)
