"""The metric catalogue: the weekly figures (metrics.flow) the dashboard's headlines show, a key
result may follow, a decision may expect to move and a review reads, each named once here with
its label, unit and better direction.

Each entry: its label and unit, which way is better, the `WeeklyFigure.metric` it reads (the
process total, or the split by a dimension), and the figure of the dashboard's drill-down that
lists the cards behind it (`/dashboards/weekly/cards/?metric=...&key=...`). FIGURES holds every
entry; METRICS those that goals and decisions offer (and the catalogue API lists); HEADLINES
which of them the weekly dashboard, the processes' summaries and the weekly agenda show.
"""

from __future__ import annotations

from dataclasses import dataclass

UP, DOWN = "up", "down"
CHANNEL, STATUS, SEGMENT = "channel", "status", "segment"
# The one vocabulary of units (opmodel.formatting.figure_text writes a figure by it): counts of
# cards or of clients, a share (a fraction 0..1), a percentage, a duration in days, an amount
# of money.
CARDS, CLIENTS, SHARE, PERCENT, DAYS = "cards", "clients", "share", "percent", "days"
AMOUNT = "amount"
UNITS = (CARDS, CLIENTS, SHARE, PERCENT, DAYS, AMOUNT)


@dataclass(frozen=True)
class CatalogueMetric:
    key: str
    label: str
    unit: str  # days, cards, share (a fraction 0..1), percent, clients
    better: str  # up or down
    figure: str  # WeeklyFigure.metric of the process total ("" when a dimension is required)
    dimension: str = ""  # what the metric splits by: channel, status or segment ("" none)
    dimension_figure: str = ""  # WeeklyFigure.metric of the split; its dimension is the value
    cards: str = ""  # the drill-down's metric (metrics.flow_sql.MEMBERS)
    cards_by_dimension: bool = False  # the drill-down's key is the dimension value
    # A change of it is good or bad news by itself. False: more demand or more repeat clients is
    # not better or worse flow, so a headline shows its change uncoloured (a goal on it still
    # says which way it wants it).
    judged: bool = True
    followed: bool = True  # offered to key results and decisions (METRICS)

    @property
    def titled(self) -> str:
        """The label where the figure stands bare (a headline, a table's row): with its unit
        when the unit is a duration."""
        return f"{self.label} (days)" if self.unit == DAYS else self.label

    @property
    def direction(self) -> int:
        """1 when a rise is good news, -1 when a fall is, 0 when neither (not `judged`)."""
        if not self.judged:
            return 0
        return 1 if self.better == UP else -1

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


FIGURES: dict[str, CatalogueMetric] = {
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
            "closed", "Closed", "cards", UP, "throughput.closed", cards="won",
            followed=False,
        ),
        CatalogueMetric(
            "lost", "Lost", "cards", DOWN, "throughput.lost", cards="lost", followed=False,
        ),
        CatalogueMetric(
            "intake", "Intake (cards created)", "cards", UP, "intake.total",
            CHANNEL, "intake.by_channel", cards="intake", cards_by_dimension=True,
            judged=False,
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
            "blocked_cards", "Cards blocked", "cards", DOWN, "blocked.cards", cards="blocked",
            followed=False,
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
            "under_floor", "Cards agreed under the margin floor", "cards", DOWN,
            "margin.under_floor", cards="under_floor", followed=False,
        ),
        CatalogueMetric(
            "unassigned_share", "Share of open cards without a responsible person", "share",
            DOWN, "ownership.unassigned_share", cards="unassigned",
        ),
        CatalogueMetric(
            "repeat_requests", "Clients with repeat requests (30 days)", "clients", UP,
            "repeat_requests.clients", cards="repeat_requests", judged=False,
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
        # The promise to the client (metrics/promises/figures.py).
        CatalogueMetric(
            "on_time_in_full", "On time in full (shipped by the promised date, every line in "
            "full)", "share", UP, "promise.on_time_in_full_share",
        ),
        CatalogueMetric(
            "promises_at_risk", "Promises at risk", "cards", DOWN, "promise.at_risk",
        ),
        CatalogueMetric(
            "promise_days_late_p50", "Days late of missed promises, 50th percentile", "days",
            DOWN, "promise.days_late.p50",
        ),
        CatalogueMetric(
            "promise_days_late_p85", "Days late of missed promises, 85th percentile", "days",
            DOWN, "promise.days_late.p85",
        ),
        # Repeat sales (sales/definitions.py), kept with the snapshot by sales' section, by
        # client segment (processes.ClientSegment's names).
        CatalogueMetric(
            "repeat_orders", "Repeat orders (from clients who ordered before)", "cards", UP,
            "sales.repeat_orders", SEGMENT, "sales.by_segment.repeat_orders",
        ),
        CatalogueMetric(
            "reactivations_won", "Reactivations won (the client ordered again)", "cards", UP,
            "sales.reactivations_won", SEGMENT, "sales.by_segment.reactivations_won",
        ),
        # Customer service's quality figures (service/definitions.py), kept with the snapshot of
        # a process that ships by service's section; the drill-down is the section's own.
        CatalogueMetric(
            "complaints", "Complaints received", "cards", DOWN, "quality.complaints",
            cards="quality.complaints",
        ),
        CatalogueMetric(
            "shipped_orders", "Orders shipped", "cards", UP, "quality.shipped",
            cards="quality.shipped",
        ),
        CatalogueMetric(
            "complaints_per_100_shipped", "Complaints per 100 shipped orders", "percent", DOWN,
            "quality.per_100_shipped",
        ),
        CatalogueMetric(
            "repeat_complaint_clients", "Clients with repeat complaints (8 weeks)", "clients",
            DOWN, "quality.repeat_clients", cards="quality.repeat",
        ),
        # The exceptions no rule foresees (metrics/exceptions/figures.py), kept with the
        # snapshot by the exceptions section: frequent ones are rules to write.
        CatalogueMetric(
            "exceptions_asked", "Exceptions no rule foresees, asked", "cards", DOWN,
            "exceptions.asked",
        ),
        CatalogueMetric(
            "exceptions_decided", "Exceptions no rule foresees, decided", "cards", UP,
            "exceptions.decided", followed=False,
        ),
        CatalogueMetric(
            "exceptions_approved_share", "Approved share of the exceptions decided", "share",
            UP, "exceptions.approved_share", judged=False,
        ),
        CatalogueMetric(
            "exceptions_escalated", "Exceptions escalated past their decision SLA", "cards",
            DOWN, "exceptions.escalated",
        ),
        # The money (finance/definitions.py), kept with the snapshot by finance's section.
        CatalogueMetric(
            "days_sales_outstanding", "Days sales outstanding", "days", DOWN, "money.dso",
        ),
        CatalogueMetric(
            "overdue_amount", "Overdue amount at the end of the week", "amount", DOWN,
            "money.overdue_amount",
        ),
        CatalogueMetric(
            "payments_received", "Payments received", "amount", UP, "money.payments_received",
        ),
    ]
}  # fmt: skip
METRICS = {key: metric for key, metric in FIGURES.items() if metric.followed}

# The weekly headlines, in the dashboard's order: {headline slug: catalogue key}. The slugs are
# the keys the dashboard's page and the weekly agenda's items use (`figure:<slug>`, frozen in
# closed reviews), so they stay as they are.
HEADLINES = {
    "intake": "intake", "throughput": "throughput", "closed": "closed", "lost": "lost",
    "wip": "wip", "cycle_p85": "cycle_time_p85", "lead_p85": "lead_time_p85",
    "age_p85": "work_item_age_p85", "flow_efficiency": "flow_efficiency",
    "blocked": "blocked_cards", "blocked_days": "blocked_time", "sla_breaches": "sla_breaches",
    "on_time": "on_time_share", "unassigned": "unassigned_share", "win_rate": "win_rate",
    "margin": "average_margin", "under_floor": "under_floor", "repeat": "repeat_requests",
}  # fmt: skip


def headline_metrics() -> list[tuple[str, CatalogueMetric]]:
    """(slug, entry) of each weekly headline, in order."""
    return [(slug, FIGURES[key]) for slug, key in HEADLINES.items()]


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
    from processes.models import Channel, ClientSegment, Status

    if metric.dimension == CHANNEL:
        return list(Channel.values)
    if metric.dimension == SEGMENT:
        return list(ClientSegment.objects.order_by("name").values_list("name", flat=True))
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
    from processes.models import Channel, ClientSegment

    segments = list(ClientSegment.objects.order_by("name").values_list("name", flat=True))
    values = {CHANNEL: list(Channel.values), STATUS: statuses, SEGMENT: segments, "": []}
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
