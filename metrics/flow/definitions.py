"""The flow metrics' definitions, fixed here once (docs/design.md, "Metric definitions", after
the Kanban Guide and Vacanti): the text the weekly dashboard shows, the windows and sample sizes
they name, and how times and shares are rounded. The computation follows them in the modules
beside this one.
"""

from opmodel.rounding import percent_round, share_round

PERCENTILES = (50, 85, 95)
# Bounded samples kept in a snapshot so that the dashboard reads the same amount whatever the
# data size: dots of the cycle-time scatter, dots per status of the aging-WIP chart (spread
# evenly by rank, always with the largest).
SCATTER_POINTS = 300
AGING_POINTS_PER_STATUS = 40
TRAILING_WEEKS = 12  # cycle and lead time over a trailing window; the conversion cohort
REPEAT_WINDOW_DAYS = 30
DEFAULT_MARGIN_FLOOR_PERCENT = 12
# Clients with repeat requests listed in a snapshot (bounded, like the samples of the SQL).
REPEAT_CLIENTS_SHOWN = 20
# Which status counts as "agreed" (the margin figures) and which final status is a loss (every
# other final status is a win) is data on the process's statuses: Status.commitment_point and
# Status.outcome (processes.selectors.outcome_statuses). A process with none matches no card:
# this slug never names a status (slugs are never empty).
NO_STATUS = ""


def days(value) -> float | None:
    """A time in days as the figures keep it: 4 decimals."""
    return None if value is None else round(float(value), 4)


def percent(value) -> float | None:
    """A percentage as the figures keep it: 2 decimals, by the one rounding rule."""
    return None if value is None else float(percent_round(float(value)))


def share(part, whole) -> float | None:
    """A share as the figures keep it: a fraction 0..1 with 4 decimals (its percentage at 2, by
    the one rounding rule); None over nothing."""
    return float(share_round(part / whole)) if whole else None


DEFINITIONS = [
    (
        "Points",
        "A card is created at its created event, started at its first transition out of the "
        "process's first status, and finished at its last transition into a final status "
        "(closed or lost). A card's status and responsible person are those of its latest "
        "event by time, and of two events at the same instant the one recorded later: events "
        "count in the order (time, id), so a change at the same instant as a move but "
        "recorded after it comes after the move. Weeks "
        "are ISO weeks in the process calendar's time zone; the trailing windows are whole "
        "local weeks (12) and whole local days (30) ending with the week. Figures are as of "
        "the end of the week (or now, for the week in progress) and read the values each field "
        "had at the figure's point, from the card's events: a later edit changes no past week. "
        "Times and averages are computed exactly and rounded only when shown. Money is rounded "
        "to the cent and percentages to two decimals, halves away from zero, by one rule for "
        "the card, the approval rules and these figures.",
    ),
    (
        "Intake",
        "Cards created in the week, in total and by the channel they came in by (the channel "
        "at creation; win rate and margin use the same channel).",
    ),
    ("Throughput", "Cards finished in the week, split closed and lost."),
    ("WIP", "Cards started and not finished at the end of the week, by status."),
    (
        "Work item age",
        "For an open started card: the end of the week (or now) minus the moment it started, "
        "over the whole workflow, not the current status. Aging WIP shows the open cards by "
        "status and age.",
    ),
    (
        "Cycle time / lead time",
        "Finished minus started / finished minus created, in calendar days, for the cards "
        "finished in the week and over the trailing 12 weeks: the 50th, 85th and 95th "
        "percentiles by linear interpolation. A card lost straight from the first status "
        "started and finished at the same moment (cycle time 0).",
    ),
    (
        "Time in status",
        "For the cards finished in the week: the sum of each card's visits to a status; the "
        "table gives the mean over the cards that visited it.",
    ),
    (
        "Flow efficiency",
        "For the cards finished in the week: total (cycle time minus blocked time) divided by "
        "total cycle time.",
    ),
    (
        "Blocked",
        "Cards blocked at any time in the week, the blocked time inside the week, and the "
        "reasons ranked by that time. A blocked card cannot be moved on: it is unblocked "
        "first, or moved to a lost status, which ends the block (an unblock event) at that "
        "moment; a finished card cannot be blocked.",
    ),
    (
        "SLA",
        "Breaches: the SLA deadlines of status visits that passed in the week, whether the "
        "card has left the status since or not, by status (a deadline keeps its instant "
        "through a block). A deadline passes after its instant: a visit that ends at the "
        "deadline's very instant ended on time and is no breach. A deadline that has passed "
        "stays passed: a later change of priority moves only deadlines still ahead. Each "
        "deadline set or moved is recorded, old and new, on the event that set it. Visits "
        "ended: the visits with an SLA that ended in the week, those that ended after their "
        "deadline (ended late), and the on-time share (visits ended on time / visits ended). "
        "The lists behind these numbers are the cards.",
    ),
    (
        "Ownership",
        "Share of the open cards at the end of the week (started or not) without a "
        "responsible person at the week's end.",
    ),
    (
        "Conversion",
        "Of the cards created in the trailing 12 weeks, the share that reached each status "
        "by the end of the week.",
    ),
    (
        "Win rate",
        "Among the cards finished in the week, by channel: closed / (closed + lost).",
    ),
    (
        "Margin",
        "Cards that entered agreed in the week, by channel: average margin "
        "((net - cost) / net, net = price less the discount, from the card's line items) and "
        "discount, and the cards under the process's margin floor, with the line items and "
        "discount as they were when the card was first agreed in the week (a discount changed "
        "at that instant counts if it was recorded before the move). The net is taken at the "
        "cent, and a margin is compared with the floor at two decimals, as the card shows it "
        "and the approval rule reads it: 11.995% is 12.00%, not under a 12% floor.",
    ),
    (
        "Repeat requests",
        "Clients with two or more cards created within the trailing 30 days, each card "
        "counted with the client it had at the end of the week; the list behind the number is "
        "their cards.",
    ),
    (
        "Cumulative flow",
        "For each day, the number of cards that have reached each status at least once "
        "(lines never go down).",
    ),
    (
        "Handoff wait",
        "For a card handed to a stage role's queue (warehouse, finance) with nobody assigned: "
        "the time from entering the status until someone took the card, per status, as the "
        "50th and 85th percentiles of the waits that ended in the week. A handoff the status's "
        "rule assigned has no wait; a card moved on before anyone took it is not counted.",
    ),
]
