"""The map's ledger of visits on PostgreSQL (flow/models.py, Visit): caught up before each read.

Catching up re-folds, whole, every card with a move event the ledger has not seen (by event id,
above the process's mark less LOOKBACK, anti-joined with the ledger): a card's rows are deleted
and its moves ordered again by the metrics' tie rule (time, then id), so an event written out of
order (an older time under a newer id) lands where it belongs. Business time is counted on the
process calendar's working windows passed as arrays (`BusinessClock`, read with `width_bucket`,
the numpy arithmetic repeated operation for operation). When the calendar's working days, hours
or zone change, the process's ledger is rebuilt; when a holiday among the days it holds comes or
goes (an edit, or a new year's public holidays replacing the oldest year's), the cards with a
visit over that day are folded again. Catch-ups of one process are serialised by a lock on its
MapLedger row."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction

from flow.models import MapLedger
from flow.selectors.business_hours import BusinessClock

# Event ids below the mark still checked against the ledger: a transaction that took its ids
# before a catch-up and committed after it (ids are handed out at insert, seen at commit).
LOOKBACK = 10_000
MOVES = ("created", "transition")
SESSION = "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off"

# The cards to fold: all the process's (a rebuild) or those listed.
ALL_CARDS = "SELECT id FROM processes_requestcard WHERE process_id = %(process)s"
SOME_CARDS = "SELECT unnest(%(cards)s::bigint[])"

SPAN_SQL = """
SELECT min(e.at), max(e.at) FROM processes_event e
WHERE e.card_id IN ({cards}) AND e.kind IN ('created', 'transition')
"""

FOLD_SQL = """
INSERT INTO flow_visit (event_id, process_id, card_id, at, from_status, to_status, prev_at, n,
    repeat, stay_seconds, left_seconds, path, pairs, lead_days)
SELECT id, %(process)s, card_id, at, from_status, to_status, prev_at, n,
    coalesce(strpos(',' || seen || ',', ',' || to_status || ','), 0) > 0,
    CASE WHEN el_next IS NOT NULL THEN
        floor((el_next - el) / 3600::float8 * 3600::float8 + 1e-6::float8)::bigint END,
    CASE WHEN el_prev IS NOT NULL THEN
        floor((el - el_prev) / 3600::float8 * 3600::float8 + 1e-6::float8)::bigint END,
    CASE WHEN el_next IS NULL THEN concat_ws(',', seen, to_status) END,
    CASE WHEN el_next IS NULL THEN pairs END,
    CASE WHEN el_next IS NULL THEN extract(epoch FROM at - first_at)::float8 / 86400 END
FROM (
    SELECT ev.*,
        LAG(at) OVER w AS prev_at, LAG(el) OVER w AS el_prev, LEAD(el) OVER w AS el_next,
        ROW_NUMBER() OVER w AS n,
        first_value(at) OVER w AS first_at,
        string_agg(to_status, ',') OVER seen AS seen,
        string_agg(from_status || '>' || to_status, ',') OVER w AS pairs
    FROM (
        SELECT e.card_id, e.id, e.at, e.from_status::text COLLATE "C" AS from_status,
            e.to_status::text COLLATE "C" AS to_status,
            CASE WHEN b.i = 0 THEN 0::float8
                ELSE (%(before)s::float8[])[b.i]
                    + LEAST(GREATEST(x.x - (%(opens)s::float8[])[b.i], 0::float8),
                            (%(spans)s::float8[])[b.i]) END AS el
        FROM processes_event e
        CROSS JOIN LATERAL (SELECT date_part('epoch', e.at) AS x) x
        CROSS JOIN LATERAL (SELECT width_bucket(x.x, %(opens)s::float8[]) AS i) b
        WHERE e.card_id IN ({cards}) AND e.kind IN ('created', 'transition')
    ) ev
    WINDOW o AS (PARTITION BY card_id ORDER BY at, id),
        w AS (o ROWS UNBOUNDED PRECEDING),
        seen AS (o ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
) s
"""

CARDS_OVER_SQL = """
SELECT DISTINCT v.card_id
FROM flow_visit v JOIN unnest(%(lo)s::timestamptz[], %(hi)s::timestamptz[]) AS d(lo, hi)
    ON v.prev_at < d.hi AND v.at > d.lo
WHERE v.process_id = %(process)s
"""

UNSEEN_SQL = """
SELECT DISTINCT e.card_id FROM processes_event e
JOIN processes_requestcard c ON c.id = e.card_id
WHERE e.id > %(since)s AND c.process_id = %(process)s AND e.kind IN ('created', 'transition')
    AND NOT EXISTS (SELECT 1 FROM flow_visit v WHERE v.event_id = e.id)
"""


def calendar_fingerprint(wt) -> str:
    """What every business time depends on: the zone, the working days and hours."""
    described = repr(
        (str(wt.tz), sorted(wt.working_days), wt.day_start.isoformat(), wt.day_end.isoformat())
    )
    return hashlib.sha256(described.encode()).hexdigest()


def holidays_within(wt, first: date | None, last: date | None) -> list[str]:
    """The calendar's holidays among the local days [first, last] (ISO dates, in order)."""
    if first is None:
        return []
    return sorted(day.isoformat() for day in wt.holidays if first <= day <= last)


def _cards_over(cursor, process, wt, days: set[str]) -> list[int]:
    """The cards with a visit over one of these local days (its business time changes with
    them: a day's working window lies inside the day)."""
    bounds = [
        datetime.combine(date.fromisoformat(day) + timedelta(days=k), time(0), tzinfo=wt.tz)
        for day in sorted(days)
        for k in (0, 1)
    ]
    cursor.execute(CARDS_OVER_SQL, {"process": process.pk, "lo": bounds[::2], "hi": bounds[1::2]})
    return [card for (card,) in cursor.fetchall()]


def _fold(cursor, process, wt, cards: list[int] | None) -> tuple[date, date] | None:
    """Write the visits of `cards` (None: every card of the process), whose rows are gone;
    returns the local days their moves span."""
    which = ALL_CARDS if cards is None else SOME_CARDS
    params = {"process": process.pk, "cards": cards}
    cursor.execute(SPAN_SQL.format(cards=which), params)
    low, high = cursor.fetchone()
    if low is None:
        return None
    span = (low.astimezone(wt.tz).date(), high.astimezone(wt.tz).date())
    clock = BusinessClock.of(wt, *span)
    params |= {
        "opens": clock.opens.tolist(),
        "spans": clock.spans.tolist(),
        "before": clock.before.tolist(),
    }
    cursor.execute(FOLD_SQL.format(cards=which), params)
    return span


def catch_up(process, wt) -> dict:
    """Bring the process's visits up to date with its events and calendar; returns what was
    done: {"rebuilt": bool, "cards": re-folded cards (None for a rebuild)}."""
    fingerprint = calendar_fingerprint(wt)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SESSION)
        MapLedger.objects.get_or_create(process=process)
        ledger = MapLedger.objects.select_for_update().get(process=process)
        cursor.execute("SELECT coalesce(max(id), 0) FROM processes_event")
        (top,) = cursor.fetchone()
        span = (ledger.first_day, ledger.last_day)
        if ledger.calendar != fingerprint:
            cursor.execute("DELETE FROM flow_visit WHERE process_id = %s", [process.pk])
            span = _fold(cursor, process, wt, None) or (None, None)
            cards = None
        else:
            since = max(ledger.event_mark - LOOKBACK, 0)
            cursor.execute(UNSEEN_SQL, {"since": since, "process": process.pk})
            cards = {card for (card,) in cursor.fetchall()}
            # Holidays added or gone among the days held (an edit, or a new year's public
            # holidays replacing the oldest year's): only the visits over them change.
            changed = set(ledger.holidays) ^ set(holidays_within(wt, *span))
            if changed:
                cards |= set(_cards_over(cursor, process, wt, changed))
            cards = sorted(cards)
            if cards:
                cursor.execute("DELETE FROM flow_visit WHERE card_id = ANY(%s)", [cards])
                if folded := _fold(cursor, process, wt, cards):
                    days = [day for day in (*span, *folded) if day is not None]
                    span = (min(days), max(days))
        found = (fingerprint, holidays_within(wt, *span), top, *span)
        held = (ledger.calendar, ledger.holidays, ledger.event_mark, ledger.first_day)
        if (*held, ledger.last_day) != found:
            (
                ledger.calendar,
                ledger.holidays,
                ledger.event_mark,
                ledger.first_day,
                ledger.last_day,
            ) = found
            ledger.save()
    return {"rebuilt": cards is None, "cards": cards}


def catch_up_every_process() -> dict[str, dict]:
    """Each process's ledger caught up (the command after a deploy, the metrics worker every ten
    minutes, so that a map read finds little new); by slug. Nothing on SQLite: no ledger."""
    from django.db import connection

    from processes.calendars import working_time_for
    from processes.models import Process

    if connection.vendor != "postgresql":
        return {}
    return {
        process.slug: catch_up(process, working_time_for(process))
        for process in Process.objects.order_by("id")
    }
