"""Sections that apps above metrics add to the weekly figures (the dashboard and
/api/metrics/weekly/): metrics never imports them (docs/design.md, "Architecture").

A section is `compute(process, week) -> dict | None` (None: nothing to say for this process)
and `render(request, process, week, figures) -> HTML` for the dashboard."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WeeklySection:
    name: str
    compute: Callable[..., dict | None]
    render: Callable[..., str]


SECTIONS: dict[str, WeeklySection] = {}


def weekly_section_register(*, name: str, compute, render) -> None:
    SECTIONS[name] = WeeklySection(name, compute, render)


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
