"""One metric catalogue (metrics/catalogue.py): the weekly headlines, the processes' summaries,
the weekly agenda, goals and decisions read each figure's label, unit and direction there."""

from metrics.catalogue import FIGURES, HEADLINES, METRICS, headline_metrics
from metrics.dashboards.headlines import HEADLINES as DASHBOARD_HEADLINES
from metrics.dashboards.headlines import direction_of
from metrics.headlines import HEADLINE_FIGURES


def test_the_headlines_are_the_catalogues_entries():
    for figure, (slug, metric) in zip(DASHBOARD_HEADLINES, headline_metrics(), strict=True):
        assert (figure.slug, figure.label, figure.path, figure.kind, figure.metric) == (
            slug, metric.titled, metric.figure, metric.unit, metric.cards,
        )  # fmt: skip
    assert [(f.label, f.kind) for f in DASHBOARD_HEADLINES] == [
        ("Intake (cards created)", "cards"),
        ("Throughput (cards finished)", "cards"),
        ("Closed", "cards"),
        ("Lost", "cards"),
        ("Work in progress at the end of the week", "cards"),
        ("Cycle time, 85th percentile (days)", "days"),
        ("Lead time, 85th percentile (days)", "days"),
        ("Work item age, 85th percentile (days)", "days"),
        ("Flow efficiency", "share"),
        ("Cards blocked", "cards"),
        ("Blocked time (days)", "days"),
        ("SLA breaches", "cards"),
        ("On-time share of status visits", "share"),
        ("Share of open cards without a responsible person", "share"),
        ("Win rate", "share"),
        ("Average margin of agreed cards", "percent"),
        ("Cards agreed under the margin floor", "cards"),
        ("Clients with repeat requests (30 days)", "clients"),
    ]


def test_a_headlines_direction_is_its_catalogue_entrys():
    assert {slug: direction_of(slug) for slug in HEADLINES} == {
        "intake": 0, "throughput": 1, "closed": 1, "lost": -1, "wip": -1, "cycle_p85": -1,
        "lead_p85": -1, "age_p85": -1, "flow_efficiency": 1, "blocked": -1, "blocked_days": -1,
        "sla_breaches": -1, "on_time": 1, "unassigned": -1, "win_rate": 1, "margin": 1,
        "under_floor": -1, "repeat": 0,
    }  # fmt: skip
    # Intake and repeat clients are not judged on the dashboard; a goal on them still wants more.
    assert (METRICS["intake"].better, METRICS["repeat_requests"].better) == ("up", "up")


def test_the_processes_summary_reads_the_catalogues_figures():
    assert HEADLINE_FIGURES == {
        "wip": ("wip", "total"),
        "throughput": ("throughput", "total"),
        "cycle_time_p85_days": ("cycle_time", "week", "p85"),
        "breaches": ("sla", "breaches"),
    }


def test_goals_and_decisions_are_offered_the_followed_figures_only():
    shown_only = {"closed", "lost", "blocked_cards", "under_floor", "exceptions_decided"}
    assert set(FIGURES) - set(METRICS) == shown_only
    # 18 flow figures; issue 24: the promise's 4, the money's 3, the handoff wait's 2;
    # issue 26: repeat sales' 2; customer service's quality 4, the exceptions no rule foresees 3
    assert len(METRICS) == 36
