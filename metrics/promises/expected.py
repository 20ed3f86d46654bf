"""The expected date from the typical remaining time (registered as a promise estimator in
MetricsConfig.ready; processes/promises.py takes the latest of the estimators' dates)."""

from datetime import date, datetime

from metrics.promises.typical import typical_times
from processes.calendars import process_zone, working_time_for


def typical_expected(cards: list, process, now: datetime) -> dict[int, date]:
    """{card id: local date} by which each card is expected to ship: the card leaves its status
    when its typical time there has passed since it entered (now, if that is already past), then
    spends the typical time in each status left, in business time. No query once the week's
    typical times are held; a card past the shipment's statuses gets none."""
    typical = typical_times(process, now)
    working, zone = working_time_for(process), process_zone(process)
    found = {}
    for card in cards:
        rest = typical.remaining(card.status)
        if rest is None:
            continue
        current, *after = rest
        leaves = max(now, working.add(card.status_changed_at, typical.seconds.get(current, 0)))
        ships = working.add(leaves, sum(typical.seconds.get(s, 0) for s in after))
        found[card.pk] = ships.astimezone(zone).date()
    return found
