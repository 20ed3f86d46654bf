"""The weekly dashboard's data, built from snapshots alone: which process and week a request
asks for (`request`), the week's figures and lookups (`week`), cells and tables (`cells`), and
one module per group of sections: `headlines` (each figure with the previous week and its
trend), `throughput` (and cumulative flow), `times` (cycle-time scatter, aging WIP, time in
status), `blocked_sla`, `sales` (conversion, win rate, margin, repeat requests); `page` puts
them in order and writes a table as CSV. Views use the names re-exported here.
"""

from metrics.dashboards.cells import cards_url
from metrics.dashboards.page import (
    METRIC_LABELS,
    METRIC_UNITS,
    Dashboard,
    table_csv,
    weekly_dashboard,
)
from metrics.dashboards.request import WeekChoice, snapshots_for, week_choice

__all__ = [
    "METRIC_LABELS",
    "METRIC_UNITS",
    "Dashboard",
    "WeekChoice",
    "cards_url",
    "snapshots_for",
    "table_csv",
    "week_choice",
    "weekly_dashboard",
]
