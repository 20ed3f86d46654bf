"""The promise to the client (docs/design.md, "Vocabulary": Promise).

A card's promised date (`RequestCard.promised_on`) is set before agreeing (condition
`has_promised_on`) and changed only with a reason (a `promise_changed` event). Its *expected
date* is computed by the apps above, which register estimators here (processes never imports
them): metrics answers "now plus the typical remaining time", stock "the expected arrival of
the stock the card is short of". The expected date is the latest of their answers. Each
estimator answers for a whole list of cards at once, a fixed number of queries per list, so a
board page costs the same whatever its size.

The state: *on track* while the expected date is on or before the promised one (or nothing
expects anything), *at risk* after it; at shipment (the move with the effect `record_shipment`)
the promise is *kept* (shipped on or before the promised day, in the process calendar's zone)
or *missed*. A card finished without shipping (lost) has no promise to judge (None).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from processes.definition import process_definition

ON_TRACK, AT_RISK, KEPT, MISSED = "on_track", "at_risk", "kept", "missed"
STATES = (ON_TRACK, AT_RISK, KEPT, MISSED)
STATE_WORDS = {
    ON_TRACK: "Promise on track",
    AT_RISK: "Promise at risk",
    KEPT: "Promise kept",
    MISSED: "Promise missed",
}


@dataclass(frozen=True)
class Promise:
    promised_on: date
    expected_on: date | None
    state: str

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]


# expected(cards, process, now) -> {card id: expected date}; cards all of `process`.
Estimator = Callable[[list, object, datetime], dict[int, date]]
ESTIMATORS: dict[str, Estimator] = {}
# short_lines(card) -> how many of its lines are short (not in full) at shipment.
SHORTAGES: dict[str, Callable[..., int]] = {}


def promise_estimator_register(*, name: str, expected: Estimator) -> None:
    """Offer an expected date for cards (called once, at start-up)."""
    ESTIMATORS[name] = expected


def promise_shortage_register(*, name: str, short_lines: Callable[..., int]) -> None:
    """Say how many lines of a card are short when it ships (called once, at start-up)."""
    SHORTAGES[name] = short_lines


def _finished_without_shipping(card, finals: set[str]) -> bool:
    return card.shipped_on is None and card.status in finals


def expected_dates(cards: list, *, process, now: datetime) -> dict[int, date]:
    """{card id: expected date} for the open, unshipped cards of `process` among `cards`."""
    found: dict[int, date] = {}
    if not cards:
        return found
    for expected in ESTIMATORS.values():
        for card_id, day in expected(cards, process, now).items():
            if day is not None and (card_id not in found or day > found[card_id]):
                found[card_id] = day
    return found


def promises_for(cards: Iterable, *, now: datetime, process=None) -> dict[int, Promise]:
    """{card id: Promise} for the cards that have a promised date (the others have none).
    `process`: the cards' one process; without it each card's `process` must be loaded."""
    by_process: dict[int, tuple[object, list]] = {}
    for card in cards:
        if card.promised_on is None:
            continue
        owner = process if process is not None else card.process
        by_process.setdefault(owner.pk, (owner, []))[1].append(card)
    found: dict[int, Promise] = {}
    for owner, group in by_process.values():
        finals = {
            t.target.slug for t in process_definition(owner).transitions.values() if t.target.final
        }
        waiting = [
            c for c in group if c.shipped_on is None and not _finished_without_shipping(c, finals)
        ]
        expected = expected_dates(waiting, process=owner, now=now)
        for card in group:
            if card.shipped_on is not None:
                state = KEPT if card.shipped_on <= card.promised_on else MISSED
                found[card.pk] = Promise(card.promised_on, card.shipped_on, state)
            elif not _finished_without_shipping(card, finals):
                day = expected.get(card.pk)
                state = AT_RISK if day is not None and day > card.promised_on else ON_TRACK
                found[card.pk] = Promise(card.promised_on, day, state)
    return found


def promise_of(card, *, now: datetime, process=None) -> Promise | None:
    return promises_for([card], now=now, process=process).get(card.pk)


def lines_short(card) -> int:
    return sum(short_lines(card) for short_lines in SHORTAGES.values())
