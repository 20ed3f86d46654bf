"""The metric names reviews read from metrics' WeeklyFigure rows, in one place: if metrics
renames one, this is the only module to change."""

from metrics.dashboards.headlines import BETTER, HEADLINES

# {slug: (label, WeeklyFigure.metric with a blank dimension, kind)} of the weekly headlines.
HEADLINE_FIGURES = {h.slug: (h.label, h.path, h.kind) for h in HEADLINES}
HEADLINE_BETTER = BETTER

# Split by block reason (dimension: the reason's name): blocked days and cards in the week.
BLOCKED_DAYS_BY_REASON = "blocked.reasons.days"
BLOCKED_CARDS_BY_REASON = "blocked.reasons.cards"
# Split by status (dimension: the status slug): SLA breaches and status visits in the week.
BREACHES_BY_STATUS = "sla.by_status.breaches"
VISITS_BY_STATUS = "sla.by_status.visits"
