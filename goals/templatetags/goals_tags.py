"""Template tags of the goals pages, and the weekly dashboard's key results panel (metrics may
not import goals, so its template loads this library: `{% key_results_panel process %}`)."""

from django import template
from django.utils import timezone

from goals.definitions import KRState
from goals.selectors import cards_url, key_results_for_process
from opmodel.formatting import figure_text

register = template.Library()


@register.filter
def as_percent(value) -> str:
    """A progress fraction as a whole percentage: 0.425 -> "43%"; None -> "—"."""
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def state_label(state) -> str:
    return KRState(state).label if state in KRState.values else ""


@register.inclusion_tag("goals/_dashboard_panel.html")
def key_results_panel(process):
    """The key results of the goals active today on the process, with their latest complete
    week: one query."""
    rows = []
    if process is not None:
        for kr in key_results_for_process(process=process, today=timezone.localdate()):
            rows.append(
                {
                    "kr": kr,
                    "baseline": figure_text(kr.baseline, kr.unit),
                    "current": figure_text(kr.current_value, kr.unit),
                    "target": figure_text(kr.target, kr.unit),
                    "progress": kr.current_progress,
                    "state": kr.current_state or KRState.NO_DATA,
                    "href": cards_url(kr, kr.current_week) if kr.current_week else None,
                }
            )
    return {"rows": rows, "process": process}


@register.filter
def get_item(mapping, key):
    return mapping.get(key, []) if mapping else []
