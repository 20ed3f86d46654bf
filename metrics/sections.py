"""What the apps above metrics add to the weekly figures: sections of the weekly dashboard and,
for those with figures, of GET /api/metrics/weekly/. The one extension point of that page
(docs/design.md, "Extension points"): metrics never imports those apps, and no metrics template
loads their tags; each section is rendered by its own app, from its own templates.

An app registers in its AppConfig.ready():

    weekly_section_register(name="goals", render=key_results_panel)
    weekly_section_register(name="stock", render=stock_weekly_html, compute=stock_weekly_figures)

- `render(request, process, week, figures) -> HTML`: the section on the dashboard ("" for
  nothing), drawn in the order registered at the top of the week's figures, once a week is
  computed.
- `compute(process, week) -> dict | None` (optional): the section's figures, given to `render`
  and added to the API's answer under the section's name; None: nothing to say for the process
  (then no section is drawn). Without `compute`, `render` gets `figures=None`.

Registering a name again replaces it (ready() may run twice in tests).

A section registered `stored=True` is also kept with the week's snapshot under its name
(`money.dso`), as rows the metric catalogue's entries can read; its compute then takes `now=`
(the snapshot's instant). It may also register `compute_weeks(process, weeks, now) ->
{week: figures | None}` (optional): the same figures for many weeks at once, each equal to
`compute(process, week, now=now)`; the walk over many weeks (metrics/services/snapshots.py's
`weekly_snapshots_walk`, the year's backfill) asks it once before the walk instead of calling
`compute` every week (sales: the history read once, not 52 times). Without it, `compute` is
called per week.

`cards(process, week, figure, key) -> {"label", "key_label", "ids"} | None` (optional): the
cards behind one of the section's numbers, so that its links open the dashboard's cards page
(`/dashboards/weekly/cards/?metric=<name>.<figure>&key=...`) as the flow figures' do; None: no
such figure.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WeeklySection:
    name: str
    render: Callable[..., str]
    compute: Callable[..., dict | None] | None = None
    stored: bool = False
    cards: Callable[..., dict | None] | None = None
    compute_weeks: Callable[..., dict] | None = None


SECTIONS: dict[str, WeeklySection] = {}


def weekly_section_register(
    *, name: str, render, compute=None, stored: bool = False, cards=None, compute_weeks=None
) -> None:
    SECTIONS[name] = WeeklySection(name, render, compute, stored, cards, compute_weeks)


def weekly_section_cards(process, week: str, metric: str, key: str | None) -> dict | None:
    """The cards behind a section's number named `<section>.<figure>`, or None when no
    section answers for that name."""
    name, _, figure = metric.partition(".")
    section = SECTIONS.get(name)
    if section is None or section.cards is None or not figure:
        return None
    return section.cards(process, week, figure, key)


def weekly_sections_stored_weeks(process, weeks: list[str], now) -> dict[str, dict]:
    """{section name: {week: figures | None}} of the stored sections that compute many weeks
    at once (`compute_weeks`), each asked once; give it to `weekly_sections_stored` of each
    week. The other stored sections are left out: they are computed week by week."""
    return {
        section.name: section.compute_weeks(process, weeks, now)
        for section in SECTIONS.values()
        if section.stored and section.compute is not None and section.compute_weeks is not None
    }


def weekly_sections_stored(process, week: str, now, computed: dict | None = None) -> dict:
    """The figures of the stored sections, for the week's snapshot; those in `computed`
    (`weekly_sections_stored_weeks`) taken from it when it has the week."""
    found = {}
    for section in SECTIONS.values():
        if section.stored and section.compute is not None:
            weeks = (computed or {}).get(section.name, {})
            if week in weeks:
                figures = weeks[week]
            else:
                figures = section.compute(process, week, now=now)
            if figures is not None:
                found[section.name] = figures
    return found


def weekly_sections_data(process, week: str) -> dict[str, dict]:
    """{section name: its figures} of the sections with figures for the process."""
    found = {}
    for section in SECTIONS.values():
        if section.compute and (figures := section.compute(process, week)) is not None:
            found[section.name] = figures
    return found


def weekly_sections_html(request, process, week: str) -> list[str]:
    pages = []
    for section in SECTIONS.values():
        figures = section.compute(process, week) if section.compute else None
        if section.compute and figures is None:
            continue
        if html := section.render(request, process, week, figures):
            pages.append(html)
    return pages
