"""The metric catalogue: the weekly figures (metrics.flow) a key result may follow, a decision
may expect to move and a review reads, named once here with their unit and better direction.

Each entry: its label and unit, which way is better, the `WeeklyFigure.metric` it reads (the
process total, or the split by a dimension), and the figure of the dashboard's drill-down that
lists the cards behind it (`/dashboards/weekly/cards/?metric=...&key=...`).
"""

from __future__ import annotations

from dataclasses import dataclass

UP, DOWN = "up", "down"
CHANNEL, STATUS = "channel", "status"
# The one vocabulary of units (opmodel.formatting.figure_text writes a figure by it): counts of
# cards or of clients, a share (a fraction 0..1), a percentage, a duration in days.
CARDS, CLIENTS, SHARE, PERCENT, DAYS = "cards", "clients", "share", "percent", "days"
UNITS = (CARDS, CLIENTS, SHARE, PERCENT, DAYS)


@dataclass(frozen=True)
class CatalogueMetric:
    key: str
    label: str
    unit: str  # days, cards, share (a fraction 0..1), percent, clients
    better: str  # up or down
    figure: str  # WeeklyFigure.metric of the process total ("" when a dimension is required)
    dimension: str = ""  # what the metric splits by: channel or status ("" none)
    dimension_figure: str = ""  # WeeklyFigure.metric of the split; its dimension is the value
    cards: str = ""  # the drill-down's metric (metrics.flow_sql.MEMBERS)
    cards_by_dimension: bool = False  # the drill-down's key is the dimension value

    def figure_for(self, dimension: str) -> str:
        return self.dimension_figure if dimension else self.figure

    @property
    def zero_when_missing(self) -> bool:
        """A split the snapshot leaves out counted nothing that week (a channel with no
        intake, a status nobody reached); a missing rate or average has no value."""
        return self.unit in ("cards", "clients") or self.key == "conversion"

    @property
    def dimension_required(self) -> bool:
        return bool(self.dimension) and not self.figure


METRICS: dict[str, CatalogueMetric] = {
    m.key: m
    for m in [
        CatalogueMetric(
            "cycle_time_p50", "Cycle time, 50th percentile", "days", DOWN,
            "cycle_time.week.p50", cards="cycle_time",
        ),
        CatalogueMetric(
            "cycle_time_p85", "Cycle time, 85th percentile", "days", DOWN,
            "cycle_time.week.p85", cards="cycle_time",
        ),
        CatalogueMetric(
            "lead_time_p50", "Lead time, 50th percentile", "days", DOWN,
            "lead_time.week.p50", cards="cycle_time",
        ),
        CatalogueMetric(
            "lead_time_p85", "Lead time, 85th percentile", "days", DOWN,
            "lead_time.week.p85", cards="cycle_time",
        ),
        CatalogueMetric(
            "throughput", "Throughput (cards finished)", "cards", UP, "throughput.total",
            STATUS, "throughput.by_status", cards="throughput", cards_by_dimension=True,
        ),
        CatalogueMetric(
            "intake", "Intake (cards created)", "cards", UP, "intake.total",
            CHANNEL, "intake.by_channel", cards="intake", cards_by_dimension=True,
        ),
        CatalogueMetric(
            "wip", "Work in progress at the end of the week", "cards", DOWN, "wip.total",
            STATUS, "wip.by_status", cards="wip", cards_by_dimension=True,
        ),
        CatalogueMetric(
            "work_item_age_p85", "Work item age, 85th percentile", "days", DOWN,
            "work_item_age.p85", cards="wip",
        ),
        CatalogueMetric(
            "on_time_share", "On-time share of status visits", "share", UP,
            "sla.on_time_share", cards="sla_visits",
        ),
        CatalogueMetric(
            "sla_breaches", "SLA breaches", "cards", DOWN, "sla.breaches",
            STATUS, "sla.by_status.breaches", cards="sla_breaches", cards_by_dimension=True,
        ),
        CatalogueMetric(
            "blocked_time", "Blocked time", "days", DOWN, "blocked.days", cards="blocked",
        ),
        CatalogueMetric(
            "flow_efficiency", "Flow efficiency", "share", UP, "flow_efficiency.share",
            cards="cycle_time",
        ),
        CatalogueMetric(
            "win_rate", "Win rate", "share", UP, "win_rate.rate",
            CHANNEL, "win_rate.by_channel.rate", cards="finished", cards_by_dimension=True,
        ),
        CatalogueMetric(
            "average_margin", "Average margin of agreed cards", "percent", UP,
            "margin.average_margin_percent", CHANNEL,
            "margin.by_channel.average_margin_percent", cards="agreed", cards_by_dimension=True,
        ),
        CatalogueMetric(
            "average_discount", "Average discount of agreed cards", "percent", DOWN,
            "margin.average_discount_percent", CHANNEL,
            "margin.by_channel.average_discount_percent", cards="agreed",
            cards_by_dimension=True,
        ),
        CatalogueMetric(
            "unassigned_share", "Share of open cards without a responsible person", "share",
            DOWN, "ownership.unassigned_share", cards="unassigned",
        ),
        CatalogueMetric(
            "repeat_requests", "Clients with repeat requests (30 days)", "clients", UP,
            "repeat_requests.clients", cards="repeat_requests",
        ),
        CatalogueMetric(
            "handoff_wait_p50", "Handoff wait (to pick-up), 50th percentile", "days", DOWN,
            "", STATUS, "handoff_wait.by_status.p50",
        ),
        CatalogueMetric(
            "handoff_wait_p85", "Handoff wait (to pick-up), 85th percentile", "days", DOWN,
            "", STATUS, "handoff_wait.by_status.p85",
        ),
        CatalogueMetric(
            "conversion", "Conversion to a status (12-week cohort)", "share", UP, "",
            STATUS, "conversion.by_status.share", cards="conversion", cards_by_dimension=True,
        ),
    ]
}  # fmt: skip


DIRECTION_WORDS = {UP: "higher", DOWN: "lower"}
SHARE_REFUSED = "A share is entered in percent, from 0 to 100 (90 for 90%)."


def in_percent(key: str) -> bool:
    """Shares are stored as fractions (0..1) but entered and shown in percent (0..100)."""
    metric = METRICS.get(key)
    return metric is not None and metric.unit == "share"


def target_from_entry(key: str, value: float | None) -> float | None:
    """A target as typed into the form or the API, in the unit people read, as stored: a
    share's 90 (percent) is 0.9. Raises ValueError with the words to show for a share
    outside 0-100."""
    if value is None or not in_percent(key):
        return value
    if not 0 <= value <= 100:
        raise ValueError(SHARE_REFUSED)
    return round(value / 100, 10)


def value_as_shown(key: str, value: float | None) -> float | None:
    """A stored value in the unit the API and the pages show: shares in percent."""
    if value is None or not in_percent(key):
        return value
    return round(value * 100, 8)


def metric_words(key: str, expected: str = "") -> str:
    """A metric as people read it: its label with a direction word, never its key.
    Without `expected`: which way is better ("Blocked time: lower is better"); with it, what a
    decision expects ("Lead time, 85th percentile: expected lower")."""
    metric = METRICS.get(key)
    label = metric.label if metric else key
    if expected:
        return f"{label}: expected {DIRECTION_WORDS.get(expected, expected)}"
    if metric is None:
        return label
    return f"{label}: {DIRECTION_WORDS[metric.better]} is better"


def dimension_values(metric: CatalogueMetric, process) -> list[str]:
    """The values a key result on `metric` may split by in `process` (one query for statuses)."""
    from processes.models import Channel, Status

    if metric.dimension == CHANNEL:
        return list(Channel.values)
    if metric.dimension == STATUS:
        return list(
            Status.objects.filter(process=process)
            .order_by("order", "id")
            .values_list("slug", flat=True)
        )
    return []


def catalogue_data(statuses: list[str]) -> list[dict]:
    """The API's catalogue: `dimensions` lists the values each metric splits by (channels, or
    the statuses of the processes the user sees); `dimension_kind` says which."""
    from processes.models import Channel

    values = {CHANNEL: list(Channel.values), STATUS: statuses, "": []}
    return [
        {
            "metric": m.key,
            "label": m.label,
            "unit": m.unit,
            "better": m.better,
            "dimension_kind": m.dimension,
            "dimension_required": m.dimension_required,
            "dimensions": values[m.dimension],
            "figure": m.figure,
        }
        for m in METRICS.values()
    ]
