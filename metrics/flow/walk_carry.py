"""The figures of the walk carried in Python from week to week (issue 25): those whose population
is every card the week can see (the open cards, the cards created or finished in the trailing
weeks, every card for the cumulative flow), which the statement of each week would otherwise
read and rank again.

Each week the walk's fold returns the state of the cards it changed (metrics/flow/walk.py); a
card's part in every count is taken out with its old state and put back with its new one:

- work in progress and open cards by status (with the unassigned), kept as counts, and the
  work in progress as a map of card to (status, started) for the ages;
- the conversion cohort: per week of creation, the cards and how many reached each status,
  summed over the trailing weeks;
- the cumulative flow: per status the cards that ever reached it, less those that reached it
  in the week (bucketed by day from the statuses the week's cards reached first);
- the finished cards per week of their finish: the trailing samples of cycle and lead time;
- the cards in order of creation: the intake and the repeat clients' window.

The percentiles rank the samples by exact keys: on PostgreSQL the interval in microseconds
(the order of `EXTRACT(EPOCH ...) / 86400.0`), on SQLite the same double the statement ranks.
The values at the ranks a percentile reads and the ages of the aging chart's cards are read from
the database by the statement's own expressions (one small query a week) and interpolated as
the statement does: exact decimals on PostgreSQL (its numeric), doubles on SQLite. Nulls rank
as each database ranks them: last on PostgreSQL, first on SQLite.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal, localcontext

import numpy

from metrics.flow.definitions import AGING_POINTS_PER_STATUS, PERCENTILES

# The columns of a card's row (metrics/flow/walk.py, RETURNED), reach_0 ... after them.
CARD, CREATED, STARTED, FINISHED, STATE, RESP, CHANNEL, CLI, CARD_CLIENT, CYCLE, LEAD = range(11)
REACH = 11
LATER = object()  # a card's client as of a week's end is read from its client changes


class Carried:
    """The carried state of one walk. `bounds`: the starts of the consecutive weeks from the
    first trailing window's first week to the last week walked, as the rows give instants;
    `stamp(value)`: a parameter's instant as the rows give them."""

    def __init__(self, *, n: int, bounds: list, stamp, nulls_last: bool, clients: dict):
        self.n, self.bounds, self.stamp, self.nulls_last = n, bounds, stamp, nulls_last
        self.index = {b: i for i, b in enumerate(bounds)}
        self.cards: dict[int, tuple] = {}
        self.wip: Counter = Counter()
        self.open: Counter = Counter()
        self.unassigned: Counter = Counter()
        self.wip_cards: dict[str, dict[int, object]] = defaultdict(dict)  # status: card: started
        self.cohort: list[int] = [0] * len(bounds)
        self.cohort_reach: list[list[int]] = [[0] * n for _ in bounds]
        self.reached: list[int] = [0] * n
        self.finished: list[dict] = [{} for _ in bounds]  # card: (cycle key, lead key)
        self.finished_arrays: dict[int, tuple] = {}  # of a week's finished cards, until it changes
        self.created: list = []  # creation instants, in order, and the cards beside them
        self.created_cards: list[int] = []
        self.clients = clients  # card -> [(at, id, old client)] of its client changes
        # Every card's client for the repeat clients: the one its events name, else its own when
        # no client change follows, else LATER (read per week by `_client`).
        self.client_now: dict[int, object] = {}
        # The statuses the week's cards reached for the first time: (status k, instant).
        self.week_reached: list[tuple[int, object]] = []

    def _count(self, card: tuple, sign: int, reach: bool = True) -> None:
        """Put the card's part in every count (sign 1) or take it out (-1); `reach`: its
        week of creation and the statuses it reached too."""
        created = card[CREATED]
        if created is None:
            return
        finished, state = card[FINISHED], card[STATE]
        if finished is None:
            self.open[state] += sign
            if not card[RESP]:
                self.unassigned[state] += sign
            if card[STARTED] is not None:
                self.wip[state] += sign
                if sign > 0:
                    self.wip_cards[state][card[CARD]] = card[STARTED]
                else:
                    del self.wip_cards[state][card[CARD]]
        else:
            b = bisect_right(self.bounds, finished) - 1
            if b >= 0:
                if sign > 0:
                    self.finished[b][card[CARD]] = (card[CYCLE], card[LEAD])
                else:
                    del self.finished[b][card[CARD]]
                self.finished_arrays.pop(b, None)
        if not reach:
            return
        b = bisect_right(self.bounds, created) - 1
        if b >= 0:
            self.cohort[b] += sign
            counts = self.cohort_reach[b]
        else:
            counts = None
        reached = self.reached
        for k, at in enumerate(card[REACH:]):
            if at is not None:
                reached[k] += sign
                if counts is not None:
                    counts[k] += sign

    def _reached(self, old: tuple, row: tuple) -> None:
        b = bisect_right(self.bounds, row[CREATED]) - 1
        counts = self.cohort_reach[b] if b >= 0 else None
        for k in range(self.n):
            at = row[REACH + k]
            if old[REACH + k] is None and at is not None:
                self.reached[k] += 1
                self.week_reached.append((k, at))
                if counts is not None:
                    counts[k] += 1

    def update(self, rows: list[tuple]) -> None:
        """The cards the week's fold changed, with their new state."""
        new = []
        cards, now, changes = self.cards, self.client_now, self.clients
        self.week_reached = week_reached = []
        for row in rows:
            card = row[CARD]
            old = cards.get(card)
            cards[card] = row
            if old is not None and old[CREATED] is not None:
                # The fold keeps a card's creation and first reach of each status once set
                # (walk.py, `_advance`): only the statuses reached for the first time count.
                self._count(old, -1, reach=False)
                self._count(row, 1, reach=False)
                self._reached(old, row)
            else:
                if old is not None:
                    self._count(old, -1)
                if row[CREATED] is not None:
                    new.append((row[CREATED], card))
                    week_reached += [(k, at) for k, at in enumerate(row[REACH:]) if at is not None]
                self._count(row, 1)
            client = row[CLI]
            if client is not None:
                now[card] = None if client == "" else int(client)
            else:
                own = row[CARD_CLIENT]
                now[card] = (
                    LATER if card in changes else None if own is None or own == "" else int(own)
                )
        new.sort()
        if new and self.created and new[0][0] < self.created[-1]:  # not in order: merge
            new = sorted([*zip(self.created, self.created_cards, strict=True), *new])
            self.created, self.created_cards = [], []
        self.created += [at for at, _ in new]
        self.created_cards += [card for _, card in new]

    def rows(self, params: dict, statuses: list[str]) -> CarriedWeek:
        """The week's carried figures, in Python alone (no database: the walk runs the week's
        statement meanwhile); `CarriedWeek.finish` reads what they still need."""
        start, asof = self.stamp(params["start"]), self.stamp(params["asof"])
        self.wip_cards = defaultdict(dict, {s: c for s, c in self.wip_cards.items() if c})
        out = [("wip", s, None, c, None) for s, c in self.wip.items() if c]
        out += [("open", s, None, c, self.unassigned[s]) for s, c in self.open.items() if c]
        out += self._intake(start)
        out += self._conversion(self.index[self.stamp(params["trail_start"])], statuses)
        out += self._cumulative_flow(params, start, statuses)
        repeat = self._repeat(self.stamp(params["repeat_start"]), asof)
        samples = self._samples(self.index[start], self.index[self.stamp(params["trail_start"])])
        return CarriedWeek(out, repeat, *samples)

    def _intake(self, start) -> list[tuple]:
        channels = Counter(
            self.cards[card][CHANNEL]
            for card in self.created_cards[bisect_left(self.created, start) :]
        )
        return [("intake", channel, None, n, None) for channel, n in channels.items()]

    def _conversion(self, first: int, statuses: list[str]) -> list[tuple]:
        cohort = sum(self.cohort[first:])
        reach = [sum(self.cohort_reach[b][k] for b in range(first, len(self.bounds)))
                 for k in range(self.n)]  # fmt: skip
        return [("conversion", s, None, reach[k], None) for k, s in enumerate(statuses)] + [
            ("cohort", "", None, cohort, None)
        ]

    def _cumulative_flow(self, params: dict, start, statuses: list[str]) -> list[tuple]:
        ends = [self.stamp(params[f"day{d}"]) for d in range(1, 8)]
        days = [Counter() for _ in statuses]
        # A status reached before the week was reached in an earlier fold: only those the
        # week's cards reached for the first time can fall in it.
        for k, at in self.week_reached:
            if not at < start:
                days[k][bisect_right(ends, at) + 1] += 1
        out = []
        for k, status in enumerate(statuses):
            before = self.reached[k] - sum(days[k].values())
            if before:
                days[k][0] = before
            out += [("cfd", status, bucket, c, None) for bucket, c in days[k].items()]
        return out

    def _client(self, card: int, asof) -> int | None:
        """The card's client as of the week's end when no event up to it named one."""
        later = [old for at, _, old in self.clients.get(card, ()) if not at < asof]
        client = later[0] if later else self.cards[card][CARD_CLIENT]
        return None if client is None or client == "" else int(client)

    def _repeat(self, since, asof) -> dict[int, int]:
        """{client: its cards} of the clients with two cards or more in the window."""
        now = self.client_now
        window = self.created_cards[bisect_left(self.created, since) :]
        clients = Counter(map(now.__getitem__, window))
        if clients.pop(LATER, 0):
            clients.update(self._client(c, asof) for c in window if now[c] is LATER)
        clients.pop(None, None)
        return {client: n for client, n in clients.items() if n >= 2}

    def _finished_arrays(self, b: int) -> tuple:
        """(cards, cycle keys, lead keys) of the cards finished in week b, nulls as NaN (the
        keys are microseconds below 2**53, or SQLite's doubles: exact as doubles)."""
        if b not in self.finished_arrays:
            items = self.finished[b]
            keys = [(numpy.nan if c is None else c, numpy.nan if lead is None else lead)
                    for c, lead in items.values()]  # fmt: skip
            self.finished_arrays[b] = (
                numpy.fromiter(items.keys(), dtype=numpy.int64, count=len(items)),
                numpy.array([k[0] for k in keys], dtype=numpy.float64),
                numpy.array([k[1] for k in keys], dtype=numpy.float64),
            )
        return self.finished_arrays[b]

    def _ranked(self, cards, keys) -> numpy.ndarray:
        """The cards ranked by key, nulls where the database puts them."""
        null = numpy.isnan(keys)
        ranked = cards[~null][numpy.argsort(keys[~null], kind="stable")]
        nulls = cards[null]
        return numpy.concatenate([ranked, nulls] if self.nulls_last else [nulls, ranked])

    def _samples(self, week: int, first: int) -> tuple[dict, dict, dict]:
        """(counts {sample: n}, picks {(sample, p): (column, cards, frac)}, shown {status:
        cards}): the cards at the ranks each percentile reads and the aging chart's cards, whose
        values the statement's expressions give (`CarriedWeek.finish`)."""
        trail = [self._finished_arrays(b) for b in range(first, week + 1)]
        cards = numpy.concatenate([t[0] for t in trail])
        cycle = numpy.concatenate([t[1] for t in trail])
        lead = numpy.concatenate([t[2] for t in trail])
        wcards, wcycle, wlead = self._finished_arrays(week)
        ranked = {
            "cycle_week": (1, self._ranked(wcards, wcycle)),
            "lead_week": (2, self._ranked(wcards, wlead)),
            "cycle_12w": (1, self._ranked(cards, cycle)),
            "lead_12w": (2, self._ranked(cards, lead)),
        }
        # Age: the older the earlier started; of the same age, the lower card first (aging).
        shown, ages = {}, []
        for state, started_of in self.wip_cards.items():
            if not started_of:
                continue
            wip = numpy.fromiter(started_of.keys(), dtype=numpy.int64, count=len(started_of))
            started = numpy.array(list(started_of.values()))
            order = numpy.lexsort((-wip, started))[::-1]  # started late first, then by card
            ages.append((started, wip))
            n = len(order)
            i = numpy.arange(1, n + 1)
            keep = ((i - 1) * AGING_POINTS_PER_STATUS) // n < (i * AGING_POINTS_PER_STATUS) // n
            shown[state] = [int(c) for c in wip[order[keep]]]
        if ages:
            started = numpy.concatenate([a[0] for a in ages])
            wip = numpy.concatenate([a[1] for a in ages])
            ranked["age"] = (3, wip[numpy.argsort(started, kind="stable")[::-1]])
        else:
            ranked["age"] = (3, numpy.array([], dtype=numpy.int64))
        picks = {}
        for name, (column, ranked_cards) in ranked.items():
            n = len(ranked_cards)
            for p in PERCENTILES:
                rank = ((n - 1) * p) // 100
                pick = [int(c) for c in ranked_cards[rank : rank + 2]] if n else []
                picks[(name, p)] = (column, pick, ((n - 1) * p) % 100)
        counts = {name: len(r) for name, (_, r) in ranked.items() if len(r)}
        return counts, picks, shown


@dataclass
class CarriedWeek:
    """A week's carried figures computed in Python (`rows`), and what they still read from
    the database: the repeat clients' names, the values at the percentiles' ranks and the
    aging chart's ages (by the statement's own expressions)."""

    rows: list[tuple]
    repeat: dict[int, int]  # client: cards in the window
    counts: dict[str, int]
    picks: dict[tuple, tuple]  # (sample, p): (column, cards, frac)
    shown: dict[str, list[int]]  # status: the aging chart's cards

    def finish(self, values_of, client_names) -> list[tuple]:
        """The week's long rows. `values_of(cards)`: {card: (card, cycle, lead, age)};
        `client_names(ids)`: {id: name}."""
        names = client_names(list(self.repeat))
        out = self.rows + [
            ("repeat_client", names[c], c, n, None) for c, n in self.repeat.items() if c in names
        ]
        wanted = {c for cards in self.shown.values() for c in cards}
        wanted.update(c for _, pick, _ in self.picks.values() for c in pick)
        values = values_of(sorted(wanted))
        out += [("count", name, None, n, None) for name, n in self.counts.items()]
        for (name, p), (column, pick, frac) in self.picks.items():
            if pick:
                out.append(("pct", name, p, _between([values[c][column] for c in pick], frac),
                            None))  # fmt: skip
        for state, cards in self.shown.items():
            out += [("aging_card", state, c, _double(values[c][3]), None) for c in cards]
        return out


def _double(value):
    return None if value is None else float(value)


def _between(values: list, frac: int):
    """lo + (hi - lo) * frac / 100 as the statement computes it: in exact decimals (PostgreSQL's
    numeric), or in doubles (SQLite); hi is lo where there is no next rank or it is null."""
    lo = values[0]
    hi = values[1] if len(values) > 1 and values[1] is not None else lo
    if lo is None:
        return None
    if isinstance(lo, Decimal):
        with localcontext() as context:
            context.prec = 80
            return float(lo + (hi - lo) * (Decimal(frac) / Decimal(100)))
    return lo + (hi - lo) * (frac / 100.0)
