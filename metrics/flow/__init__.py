"""Flow metrics of a process for one ISO week, computed from the event history in the database.

The definitions (docs/design.md, "Metric definitions", after the Kanban Guide and Vacanti)
are fixed once in `definitions` (the weekly dashboard shows its `DEFINITIONS`):

- Points. A card is *created* at its `created` event, *started* at its first transition out of
  the process's first status, *finished* at its last transition into a final status (a card
  reopened and finished again finishes at the last one). A week is an ISO week in the process
  calendar's time zone; an event belongs to the week its timestamp falls in.
- Every figure is "as of" the week's end, or `now` for the week in progress, and reads each
  field as it was at the figure's point (issue 11): the latest event by (at, id), the channel
  at creation, items and discount as agreed; windows are whole local weeks and days.

How it is computed: one SQL statement per week. One pass over the process's events
(`GROUP BY card`) folds them into a row per card: its points, the first and last time it reached
each status (so its status at the end, the conversion and the cumulative flow), its responsible
person; block intervals pair each block with the next unblock (`LEAD`), and the status visits
of the cards finished in the week come back through the event index. Each figure is one
`SELECT ... GROUP BY` over those rows; the figures come back as long rows
(metric, dimension, ref, value, extra) glued with UNION ALL, and Python only files those rows
into a dict. Percentiles interpolate linearly between the two nearest ranks, the same as
PostgreSQL's `percentile_cont` and numpy's default, with window functions (`ROW_NUMBER`,
`COUNT OVER`) and integer arithmetic, so that PostgreSQL and SQLite run the same text.

Where things are: `definitions` (the words, windows, sample sizes and rounding), `context` (the
week measured, the statement's parameters, running it), `history` (the events read and the
fold of a card's events, shared by the statement and the walk), `sql` (the statement; the few vendor
differences, seconds between two instants and reading JSON, are its `Dialect`), `weekly`
(`weekly_flow_metrics`), `assemble` (rows to figures, a function per family), `members`
(`cards_behind`: the same expressions give the cards behind a number, so that every figure on
the dashboard links to exactly the cards it counts), `walk` (`weekly_flow_walk`: many weeks in
one pass forward over the history, each week's figures equal to `weekly_flow_metrics`, for the
backfill). Week arithmetic is in metrics/weeks.py.
Callers use the names re-exported here.
"""

from metrics.flow.context import WeekContext, margin_floor_percent, week_context
from metrics.flow.definitions import (
    AGING_POINTS_PER_STATUS,
    DEFAULT_MARGIN_FLOOR_PERCENT,
    DEFINITIONS,
    PERCENTILES,
    REPEAT_CLIENTS_SHOWN,
    REPEAT_WINDOW_DAYS,
    SCATTER_POINTS,
    TRAILING_WEEKS,
)
from metrics.flow.members import cards_behind
from metrics.flow.walk import weekly_flow_walk
from metrics.flow.weekly import weekly_flow_metrics
from metrics.weeks import (
    day_ends,
    iso_week_bounds,
    last_complete_week,
    parse_week,
    process_zone,
    week_of,
    week_shift,
)

__all__ = [
    "AGING_POINTS_PER_STATUS",
    "DEFAULT_MARGIN_FLOOR_PERCENT",
    "DEFINITIONS",
    "PERCENTILES",
    "REPEAT_CLIENTS_SHOWN",
    "REPEAT_WINDOW_DAYS",
    "SCATTER_POINTS",
    "TRAILING_WEEKS",
    "WeekContext",
    "cards_behind",
    "day_ends",
    "iso_week_bounds",
    "last_complete_week",
    "margin_floor_percent",
    "parse_week",
    "process_zone",
    "week_context",
    "week_of",
    "week_shift",
    "weekly_flow_metrics",
    "weekly_flow_walk",
]
