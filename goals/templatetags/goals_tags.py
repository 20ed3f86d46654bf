"""Template filters of the goals pages (the weekly dashboard's key results panel is rendered by
goals/views/weekly_panel.py, registered with metrics at start-up)."""

from django import template

from goals.definitions import KRState

register = template.Library()


@register.filter
def as_percent(value) -> str:
    """A progress fraction as a whole percentage: 0.425 -> "43%"; None -> "—"."""
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def state_label(state) -> str:
    return KRState(state).label if state in KRState.values else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, []) if mapping else []
