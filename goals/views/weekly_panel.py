"""The weekly dashboard's key results panel. goals registers it with metrics at start-up
(GoalsConfig.ready), so the metrics page shows key results without loading goals' tags: metrics
sits below goals and depends on none of it (metrics/sections.py)."""

from django.template.loader import render_to_string
from django.utils import timezone

from goals.definitions import KRState
from goals.selectors import cards_url, key_results_for_process
from opmodel.formatting import figure_text


def key_results_panel(request, process, week, figures) -> str:
    """The key results of the goals active today on the process, with their latest complete
    week: one query. (A section without figures of its own: `week` and `figures` unused.)"""
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
    # Rendered without the request: the panel needs no context processor (each would cost the
    # page queries its pinned count does not have).
    return render_to_string("goals/_dashboard_panel.html", {"rows": rows, "process": process})
