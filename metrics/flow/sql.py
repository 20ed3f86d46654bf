"""The SQL of the weekly flow metrics (see metrics/flow/definitions.py for the definitions).

Common table expressions fold a process's events into per-card facts; each figure is one
SELECT over them returning long rows (metric, dim, ref, value, extra), glued with UNION ALL
into one statement. The same text runs on PostgreSQL and SQLite but for the few fragments of
`Dialect` (seconds between two instants, reading JSON, an instant as sortable text). Columns
that exist once per status (reach_0, last_0, ...) are numbered; the slugs are parameters
(%(s0)s, ...). Only constants of this package are
written into the text; every value from outside is a query parameter.
"""

import re

from metrics.flow.definitions import AGING_POINTS_PER_STATUS, PERCENTILES, SCATTER_POINTS
from metrics.flow.dialect import Dialect, dialect
from metrics.flow.history import events, fold, statuses_sql

__all__ = ["MEMBERS", "Dialect", "ctes", "dialect", "figures"]

DAY = 86400.0


def _min(a: str, b: str) -> str:
    return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"


def _max(a: str, b: str) -> str:
    return f"(CASE WHEN {a} > {b} THEN {a} ELSE {b} END)"


def _half_up(a: str, b: str) -> str:
    """a / b rounded to a whole number, halves away from zero, for integers a and b > 0: the
    same integer arithmetic on both databases (their division of integers truncates)."""
    return (
        f"(CASE WHEN ({a}) >= 0 THEN (2 * ({a}) + {b}) / (2 * {b})"
        f" ELSE -((-2 * ({a}) + {b}) / (2 * {b})) END)"
    )


def ctes(d: Dialect, n: int, swap: dict[str, str] | None = None) -> str:
    """The common table expressions for a process with `n` statuses (slugs in %(s0)s ...).
    `swap` replaces the bodies of the named expressions (the walk reads carried state)."""
    secs = d.seconds
    key, width = d.event_key("at", "id")
    key_e = d.event_key("e.at", "e.id")[0]
    conv = statuses_sql(n, "COUNT(reach_{k}) AS c{k}", ", ")
    text = f"""
st AS (
    SELECT slug, final FROM processes_status WHERE process_id = %(process)s
),
ev AS (  -- the process's events that metrics read, up to the moment the figures are "as of";
         -- and the later moves that ended a visit past its deadline (breaches by deadline)
    {events(d, until="%(asof)s")}
),
card AS (  -- one pass folds each card's events into its points; "latest" is by (at, id)
    SELECT {fold(d, n)}
    FROM ev WHERE at < %(asof)s GROUP BY card_id
),
cla AS (  -- for cards older than the client in the history: the client a card had before
          -- its first recorded change after the end
    SELECT card_id, {d.earliest("cli_old", "cli_old IS NOT NULL", width)} AS cli_after
    FROM ev WHERE kind = 'field_change' AND at >= %(asof)s GROUP BY card_id
),
cs AS (  -- the channel a card came in by (its created event; the card's own before events had
         -- it); its client at the end (its events, else the old value of the first change
         -- after, else the card's own; '' is none)
    SELECT card.*, COALESCE(created_channel, c.channel) AS channel,
        CASE WHEN COALESCE(card.cli, cla.cli_after) IS NULL THEN c.client_id
            WHEN COALESCE(card.cli, cla.cli_after) = '' THEN NULL
            ELSE CAST(COALESCE(card.cli, cla.cli_after) AS BIGINT) END AS client_id
    FROM card JOIN processes_requestcard c ON c.id = card.card_id
        LEFT JOIN cla ON cla.card_id = card.card_id
    WHERE card.created_at IS NOT NULL
),
cf AS (  -- card flow: each card's points, status and responsible person as of the end
    SELECT cs.*, CASE WHEN st.final THEN cs.moved_at END AS finished_at
    FROM cs LEFT JOIN st ON st.slug = cs.state
),
fin AS (  -- cards finished in the trailing window (this week included)
    SELECT card_id, channel, state, started_at, created_at, finished_at,
        {secs("finished_at", "started_at")} / {DAY} AS cycle,
        {secs("finished_at", "created_at")} / {DAY} AS lead
    FROM cf WHERE finished_at >= %(trail_start)s
),
fw AS (SELECT * FROM fin WHERE finished_at >= %(start)s),
wip AS (
    SELECT card_id, state, started_at, {secs("%(asof)s", "started_at")} / {DAY} AS age
    FROM cf WHERE started_at IS NOT NULL AND finished_at IS NULL
),
bk AS (
    SELECT card_id, kind, at, reason,
        LEAD(kind) OVER w AS next_kind, LEAD(at) OVER w AS next_at
    FROM ev WHERE kind IN ('block', 'unblock') AND at < %(asof)s
    WINDOW w AS (PARTITION BY card_id ORDER BY at, id)
),
bk2 AS (
    SELECT bk.card_id, bk.reason, bk.at AS b_from, cf.finished_at,
        CASE WHEN bk.next_kind = 'unblock' THEN bk.next_at ELSE %(asof)s END AS raw_to
    FROM bk JOIN cf ON cf.card_id = bk.card_id
    WHERE bk.kind = 'block'
),
blk AS (  -- block intervals, ended by the unblock, else by the card's finish, else "as of"
    SELECT card_id, reason, b_from,
        CASE WHEN finished_at IS NOT NULL AND finished_at >= b_from AND finished_at < raw_to
            THEN finished_at ELSE raw_to END AS b_to
    FROM bk2
),
wblk AS (  -- the part of each block inside the week
    SELECT card_id, reason,
        {secs(_min("b_to", "%(asof)s"), _max("b_from", "%(start)s"))} AS secs
    FROM blk WHERE b_from < %(asof)s AND b_to > %(start)s
),
fblk AS (  -- blocked time inside the cycle of each card finished in the week
    SELECT fw.card_id,
        SUM({secs(_min("blk.b_to", "fw.finished_at"), _max("blk.b_from", "fw.started_at"))})
            AS secs
    FROM blk JOIN fw ON fw.card_id = blk.card_id
    WHERE blk.b_to > fw.started_at AND blk.b_from < fw.finished_at
    GROUP BY fw.card_id
),
mv AS (  -- the moves of the cards finished in the week, through the (card, at) index
    SELECT e.card_id, e.to_status, e.at,
        LEAD(e.at) OVER (PARTITION BY e.card_id ORDER BY e.at, e.id) AS left_at
    FROM processes_event e
    WHERE e.card_id IN (SELECT card_id FROM fw) AND e.at < %(asof)s
        AND e.kind IN ('created', 'transition')
),
vis AS (  -- their time in each status (the final visit has no end)
    SELECT card_id, to_status AS status, SUM({secs("left_at", "at")}) AS secs
    FROM mv WHERE left_at IS NOT NULL
    GROUP BY card_id, to_status
),
opn AS (
    SELECT card_id, state,
        CASE WHEN resp IS NULL OR resp = '' THEN 1 ELSE 0 END AS unassigned
    FROM cf WHERE finished_at IS NULL
),
slv AS (  -- status visits with an SLA that ended in the week, and whether they ended late
    SELECT card_id, from_status AS status, breached FROM ev
    WHERE kind = 'transition' AND breached IS NOT NULL AND at >= %(start)s AND at < %(asof)s
),
brk AS (  -- SLA deadlines that passed in the week: of visits ended since (the deadline their
          -- move recorded), and of the visit each card is in now, if it began before the end
    SELECT card_id, from_status AS status FROM ev
    WHERE due_at >= %(start)s AND due_at < %(asof)s
    UNION ALL
    SELECT c.id, c.status FROM processes_requestcard c
    WHERE c.process_id = %(process)s AND c.sla_allowance IS NOT NULL
        AND c.status_changed_at < %(asof)s AND c.due_at >= %(start)s AND c.due_at < %(asof)s
),
agt AS (  -- the cards agreed in the week, and their first agreement in it
    SELECT card_id, MIN({key}) AS agreed_key FROM ev
    WHERE kind = 'transition' AND to_status = %(agreed)s AND at >= %(start)s AND at < %(asof)s
    GROUP BY card_id
),
ach AS (  -- their discount changes and line items, through the (card, at) index; joined to
          -- agt, not filtered by `IN (SELECT card_id FROM agt)`: joined again to agt below,
          -- that semi-join was planned as a nested loop over agt inside a loop over agt
    SELECT agt.card_id, agt.agreed_key, e.kind, {key_e} AS k,
        {d.json_text("e.data", "old")} AS old, {d.json_text("e.data", "new")} AS new,
        ROUND(CAST({d.json_text("e.data", "quantity")} AS DECIMAL(20, 6))
            * CAST({d.json_text("e.data", "unit_price")} AS DECIMAL(20, 6)), 2) AS price,
        ROUND(CAST({d.json_text("e.data", "quantity")} AS DECIMAL(20, 6))
            * CAST({d.json_text("e.data", "unit_cost")} AS DECIMAL(20, 6)), 2) AS cost
    FROM agt LEFT JOIN processes_event e ON e.card_id = agt.card_id
        AND (e.kind = 'item_added' OR (e.kind = 'field_change'
            AND {d.json_text("e.data", "field")} = 'discount_percent'))
),
acg AS (  -- per card: the discount set last before the agreement, the one replaced first
          -- after it, and the items added after it
    SELECT card_id,
        MAX(CASE WHEN kind = 'field_change' AND k < agreed_key THEN k || new END)
            AS set_before,
        MIN(CASE WHEN kind = 'field_change' AND k > agreed_key THEN k || old END)
            AS replaced_after,
        SUM(CASE WHEN kind = 'item_added' AND k > agreed_key THEN price END) AS price_after,
        SUM(CASE WHEN kind = 'item_added' AND k > agreed_key THEN cost END) AS cost_after
    FROM ach GROUP BY card_id
),
asg AS (  -- values as agreed: the last discount set before, else the value the first change
          -- after replaced, else the card's; items: the card's totals less those added after
    SELECT acg.card_id, c.channel AS now_channel,
        COALESCE(substr(set_before, {width + 1}), substr(replaced_after, {width + 1}),
            CAST(c.discount_percent AS VARCHAR(20))) AS discount_text,
        c.items_price_total - COALESCE(price_after, 0) AS price,
        c.items_cost_total - COALESCE(cost_after, 0) AS cost
    FROM acg JOIN processes_requestcard c ON c.id = acg.card_id
),
agr AS (  -- in whole cents and hundredths of a percent, so that both databases round alike
    SELECT asg.card_id, COALESCE(cf.channel, asg.now_channel) AS channel,
        CAST(discount_text AS DOUBLE PRECISION) AS discount,
        CAST(ROUND(price * 100) AS BIGINT) AS price_c,
        CAST(ROUND(CAST(discount_text AS DOUBLE PRECISION) * 100) AS BIGINT) AS discount_h,
        CAST(ROUND(cost * 100) AS BIGINT) AS cost_c
    FROM asg LEFT JOIN cf ON cf.card_id = asg.card_id
),
agn AS (  -- the net at the cent, as the card shows it (opmodel/rounding.py)
    SELECT card_id, channel, discount, cost_c,
        {_half_up("price_c * (10000 - discount_h)", "10000")} AS net_c
    FROM {d.fenced("agr")}
),
mg AS (  -- margins from the net at the cent: exact for the averages (rounded only for
         -- display), and in hundredths as shown for the floor, as the approval rule compares it
    SELECT card_id, channel, discount,
        CASE WHEN net_c > 0 THEN (net_c - cost_c) * 100.0 / net_c END AS margin,
        CASE WHEN net_c > 0 THEN {_half_up("(net_c - cost_c) * 10000", "net_c")} END AS margin_h
    FROM {d.fenced("agn")}
),
rep AS (
    SELECT cf.card_id, cf.client_id FROM cf
    WHERE cf.client_id IS NOT NULL AND cf.created_at >= %(repeat_start)s
        AND cf.client_id IN (
            SELECT client_id FROM cf
            WHERE client_id IS NOT NULL AND created_at >= %(repeat_start)s
            GROUP BY client_id HAVING COUNT(*) >= 2
        )
),
conv AS (  -- the trailing cohort and how many of it reached each status, in one pass
    SELECT COUNT(*) AS cohort, {conv}
    FROM cf WHERE created_at >= %(trail_start)s
),
smp AS (  -- k: the sample as a number, so that ranking sorts numbers, not collated text
    SELECT 'cycle_week' AS sample, 1 AS k, cycle AS v FROM fw
    UNION ALL SELECT 'lead_week', 2, lead FROM fw
    UNION ALL SELECT 'cycle_12w', 3, cycle FROM fin
    UNION ALL SELECT 'lead_12w', 4, lead FROM fin
    UNION ALL SELECT 'age', 5, age FROM wip
),
rk AS (
    SELECT sample, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) - 1 AS i,
        COUNT(*) OVER (PARTITION BY k) AS n
    FROM smp
)"""
    return _swapped(text, swap) if swap else text


def _swapped(text: str, swap: dict[str, str]) -> str:
    """The expressions' text with the bodies of those named in `swap` replaced. Each expression
    begins a line with `name AS (` and ends with a line that begins with `)`."""
    parts = re.split(r"\n(?=\w+ AS \()", text)
    out = []
    for part in parts:
        name = part.split(" ", 1)[0]
        if name in swap:
            tail = "," if part.rstrip().endswith(",") else ""
            part = f"{name} AS (\n    {swap[name].strip()}\n){tail}"
        out.append(part)
    missing = set(swap) - {p.split(" ", 1)[0] for p in parts}
    assert not missing, f"no such expressions: {missing}"
    return "\n".join(out)


def _row(metric: str, dim: str, ref: str, value: str, extra: str = "NULL") -> str:
    return (
        f"SELECT '{metric}' AS metric, CAST({dim} AS VARCHAR(200)) AS dim, "
        f"CAST({ref} AS BIGINT) AS ref, CAST({value} AS DOUBLE PRECISION) AS value, "
        f"CAST({extra} AS DOUBLE PRECISION) AS extra"
    )


def _percentile(p: int) -> str:
    rank = f"((n - 1) * {p}) / 100"
    return (
        _row("pct", "sample", str(p), "lo + (hi - lo) * frac")
        + f"""
    FROM (
        SELECT sample,
            MAX(CASE WHEN i = {rank} THEN v END) AS lo,
            COALESCE(MAX(CASE WHEN i = {rank} + 1 THEN v END),
                     MAX(CASE WHEN i = {rank} THEN v END)) AS hi,
            MAX(((n - 1) * {p}) %% 100) / 100.0 AS frac
        FROM rk GROUP BY sample
    ) q"""
    )


def _evenly(total: int) -> str:
    """Keep about `total` rows spread evenly by rank i (1..n), always the last; all if fewer."""
    return f"((i - 1) * {total}) / n < (i * {total}) / n"


def _time_in_status(d: Dialect) -> str:
    """Per status its visits (a card's moves to it) and their days. On PostgreSQL the moves'
    times are summed as whole microseconds (integers) and made seconds once, times 0.000001:
    the same decimal, to the same six places, as the sum of each move's `EXTRACT(EPOCH ...)`,
    without a decimal sum kept for each of a week's 90,000 visits (at 1,000,000 cards 0.05 s
    of the week's statement). SQLite sums its seconds as `vis` gives them."""
    if d.name != "postgresql":
        return _row("time_in_status", "status", "COUNT(*)", f"SUM(secs) / {DAY}") + (
            " FROM vis GROUP BY status"
        )
    return (
        _row("time_in_status", "status", "COUNT(*)", f"SUM(us) * 0.000001 / {DAY}")
        + f"""
        FROM (SELECT to_status AS status, SUM({d.microseconds("left_at", "at")}) AS us
            FROM mv WHERE left_at IS NOT NULL GROUP BY card_id, to_status) v
        GROUP BY status"""
    )


def figures(d: Dialect, n: int) -> list[str]:
    secs = d.seconds

    def day_bucket(k: int) -> str:
        days = " ".join(f"WHEN reach_{k} < %(day{d})s THEN {d}" for d in range(1, 8))
        return f"CASE WHEN reach_{k} < %(start)s THEN 0 {days} ELSE 8 END"

    # Every card of fblk is one of fw (it groups fw's cards), so a full join gives the rows of
    # the left join; PostgreSQL can only hash or merge a full join, never make fblk again for
    # each card of fw (fw misestimated at a row, the walk's week once did, 16,000 times: 28 s).
    # SQLite before 3.39 has no full join.
    blocked_join = "FULL" if d.name == "postgresql" else "LEFT"
    return [
        _row("intake", "channel", "NULL", "COUNT(*)")
        + " FROM cf WHERE created_at >= %(start)s GROUP BY channel",
        _row("throughput", "state", "NULL", "COUNT(*)") + " FROM fw GROUP BY state",
        _row("wip", "state", "NULL", "COUNT(*)") + " FROM wip GROUP BY state",
        _row("open", "state", "NULL", "COUNT(*)", "SUM(unassigned)") + " FROM opn GROUP BY state",
        *(_percentile(p) for p in PERCENTILES),
        _row("count", "sample", "NULL", "COUNT(*)") + " FROM smp GROUP BY sample",
        _row("aging_card", "state", "card_id", "age")
        + f""" FROM (
            SELECT state, card_id, age,
                ROW_NUMBER() OVER (PARTITION BY state ORDER BY age, card_id) AS i,
                COUNT(*) OVER (PARTITION BY state) AS n
            FROM wip
        ) a WHERE {_evenly(AGING_POINTS_PER_STATUS)}""",
        _row("cycle_point", "state", "card_id", "cycle", secs("finished_at", "%(start)s"))
        + f""" FROM (
            SELECT state, card_id, cycle, finished_at,
                ROW_NUMBER() OVER (ORDER BY cycle, card_id) AS i, COUNT(*) OVER () AS n
            FROM fw
        ) s WHERE {_evenly(SCATTER_POINTS)}""",
        _time_in_status(d),
        _row("flow_efficiency", "''", "COUNT(*)", "SUM(fw.cycle)", f"SUM(fblk.secs) / {DAY}")
        + f" FROM fw {blocked_join} JOIN fblk ON fblk.card_id = fw.card_id",
        _row("blocked", "reason", "COUNT(DISTINCT card_id)", f"SUM(secs) / {DAY}")
        + " FROM wblk GROUP BY reason",
        _row("blocked_cards", "''", "COUNT(DISTINCT card_id)", "0") + " FROM wblk",
        _row("sla", "status", "COUNT(*)", "SUM(breached)") + " FROM slv GROUP BY status",
        _row("sla_due", "status", "NULL", "COUNT(*)") + " FROM brk GROUP BY status",
        *(_row("conversion", f"%(s{k})s", "NULL", f"c{k}") + " FROM conv" for k in range(n)),
        _row("cohort", "''", "NULL", "cohort") + " FROM conv",
        _row(
            "finished_by_channel",
            "channel",
            "NULL",
            "COUNT(*)",
            "SUM(CASE WHEN state = %(lost)s THEN 1 ELSE 0 END)",
        )
        + " FROM fw GROUP BY channel",  # fmt: skip
        _row("margin", "channel", "COUNT(*)", "AVG(margin)", "COUNT(margin)")
        + " FROM mg GROUP BY channel",
        _row(
            "discount",
            "channel",
            "SUM(CASE WHEN margin_h < %(floor_h)s THEN 1 ELSE 0 END)",
            "AVG(discount)",
        )
        + " FROM mg GROUP BY channel",  # fmt: skip
        _row("repeat_client", "cl.name", "rep.client_id", "COUNT(*)")
        + """ FROM rep JOIN processes_client cl ON cl.id = rep.client_id
            GROUP BY rep.client_id, cl.name""",
        *(
            _row("cfd", f"%(s{k})s", day_bucket(k), "COUNT(*)")
            + f" FROM cf WHERE reach_{k} IS NOT NULL GROUP BY 3"
            for k in range(n)
        ),
    ]


# The cards behind each figure: metric name -> (SQL over the CTEs, the column a key narrows:
# a channel, a status, a reason, a client id).
MEMBERS = {
    "intake": ("SELECT card_id FROM cf WHERE created_at >= %(start)s", "channel"),
    "throughput": ("SELECT card_id FROM fw WHERE 1 = 1", "state"),
    "cycle_time": ("SELECT card_id FROM fw WHERE 1 = 1", "state"),
    "cycle_time_12w": ("SELECT card_id FROM fin WHERE 1 = 1", "state"),
    "wip": ("SELECT card_id FROM wip WHERE 1 = 1", "state"),
    "open": ("SELECT card_id FROM opn WHERE 1 = 1", "state"),
    "unassigned": ("SELECT card_id FROM opn WHERE unassigned = 1", "state"),
    "time_in_status": ("SELECT card_id FROM vis WHERE 1 = 1", "status"),
    "blocked": ("SELECT DISTINCT card_id FROM wblk WHERE 1 = 1", "reason"),
    "sla_visits": ("SELECT DISTINCT card_id FROM slv WHERE 1 = 1", "status"),
    "sla_ended_late": ("SELECT DISTINCT card_id FROM slv WHERE breached = 1", "status"),
    "sla_breaches": ("SELECT DISTINCT card_id FROM brk WHERE 1 = 1", "status"),
    # {reach}: the column of the status named by the key.
    "conversion": ("SELECT card_id FROM cf WHERE created_at >= %(trail_start)s", "{reach}"),
    "cohort": ("SELECT card_id FROM cf WHERE created_at >= %(trail_start)s", "channel"),
    "won": ("SELECT card_id FROM fw WHERE state <> %(lost)s", "channel"),
    "lost": ("SELECT card_id FROM fw WHERE state = %(lost)s", "channel"),
    "finished": ("SELECT card_id FROM fw WHERE 1 = 1", "channel"),
    "agreed": ("SELECT card_id FROM mg WHERE 1 = 1", "channel"),
    "under_floor": ("SELECT card_id FROM mg WHERE margin_h < %(floor_h)s", "channel"),
    "repeat_requests": ("SELECT card_id FROM rep WHERE 1 = 1", "CAST(client_id AS VARCHAR(20))"),
    "cumulative_flow": ("SELECT card_id FROM cf WHERE 1 = 1", "{reach}"),
}
