"""Panels that the apps above metrics add to the weekly dashboard.

metrics depends on none of those apps (docs/design.md, "Architecture"), so its page loads none
of their template tags: an app registers a panel at start-up, in its AppConfig.ready(), and the
page shows each panel's HTML above the figures, in the order they were registered. A panel is
called with the process shown and returns its HTML, rendered from its own app's templates (safe
HTML, as `render_to_string` gives; "" for nothing to show). goals' key results panel is the
first (goals/views/weekly_panel.py).
"""

from collections.abc import Callable

WeeklyPanel = Callable[..., str]

_panels: dict[str, WeeklyPanel] = {}


def weekly_panel_register(name: str, panel: WeeklyPanel) -> None:
    """Add `panel` to the weekly dashboard; by name, so registering twice keeps one."""
    _panels[name] = panel


def weekly_panels(*, process) -> list[str]:
    """Each registered panel's HTML for `process`, those with something to show."""
    return [html for panel in _panels.values() if (html := panel(process=process))]
