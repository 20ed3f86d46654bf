"""Sections that apps above metrics add to the weekly figures (the dashboard and
/api/metrics/weekly/): metrics never imports them (docs/design.md, "Architecture").

A section is `compute(process, week) -> dict | None` (None: nothing to say for this process)
and `render(request, process, week, figures) -> HTML` for the dashboard. A section registered
`stored=True` is also kept with the week's snapshot under its name (`money.dso`), as rows the
metric catalogue's entries can read; its compute then takes `now=` (the snapshot's instant).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WeeklySection:
    name: str
    compute: Callable[..., dict | None]
    render: Callable[..., str]
    stored: bool = False


SECTIONS: dict[str, WeeklySection] = {}


def weekly_section_register(*, name: str, compute, render, stored: bool = False) -> None:
    SECTIONS[name] = WeeklySection(name, compute, render, stored)


def weekly_sections_stored(process, week: str, now) -> dict[str, dict]:
    """The figures of the stored sections, for the week's snapshot."""
    found = {}
    for section in SECTIONS.values():
        if section.stored:
            figures = section.compute(process, week, now=now)
            if figures is not None:
                found[section.name] = figures
    return found


def weekly_sections_data(process, week: str) -> dict[str, dict]:
    found = {}
    for section in SECTIONS.values():
        figures = section.compute(process, week)
        if figures is not None:
            found[section.name] = figures
    return found


def weekly_sections_html(request, process, week: str) -> list[str]:
    pages = []
    for section in SECTIONS.values():
        figures = section.compute(process, week)
        if figures is not None:
            pages.append(section.render(request, process, week, figures))
    return pages
