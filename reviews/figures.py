"""The split metric names reviews read from metrics' WeeklyFigure rows, in one place: if metrics
renames one, this is the only module to change. (The weekly headlines, with their labels, units
and directions, are the catalogue's: metrics/catalogue.py.)"""

# Split by block reason (dimension: the reason's name): blocked days and cards in the week.
BLOCKED_DAYS_BY_REASON = "blocked.reasons.days"
BLOCKED_CARDS_BY_REASON = "blocked.reasons.cards"
# Split by status (dimension: the status slug): SLA breaches and status visits in the week.
BREACHES_BY_STATUS = "sla.by_status.breaches"
VISITS_BY_STATUS = "sla.by_status.visits"
