"""Small display helpers for the operations screens."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

from processes.models import SLAState

register = template.Library()


@register.filter
def since(moment: datetime | None) -> str:
    """How long ago, compactly: "45m", "5h", "3d", "7w"."""
    if not moment:
        return ""
    return short_duration(timezone.now() - moment)


@register.filter
def short_duration(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}h"
    days = hours // 24
    if days < 70:
        return f"{days}d"
    return f"{days // 7}w"


@register.filter
def person(user) -> str:
    if not user:
        return ""
    return user.get_full_name() or user.get_username()


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
def age_class(moment: datetime | None) -> str:
    """A hint of staleness for tiles: fresh under 3 days, old over 2 weeks."""
    if not moment:
        return ""
    days = (timezone.now() - moment).days
    if days >= 14:
        return "age-old"
    if days >= 3:
        return "age-mid"
    return "age-fresh"


@register.filter
def sla_text(card) -> str:
    """The SLA state in words with the time left: "2h left", "late by 3h", "paused, 1h used"."""
    state = card.sla_state
    if state is None:
        return ""
    if card.sla_resumed_at is None:
        used = short_duration(timedelta(seconds=card.sla_consumed))
        return f"Paused, {used} of business time used"
    left = card.due_at - timezone.now()
    if left.total_seconds() <= 0:
        return f"Late by {short_duration(-left)}"
    return f"{short_duration(left)} left"


@register.filter
def sla_label(state: str | None) -> str:
    return SLAState(state).label if state in SLAState.values else ""
