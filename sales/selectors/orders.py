"""The week's order cards with each one's client as it was at the week's end, and whether it
was a repeat order (sales/definitions.py), so that a later edit changes no past week (the rule
the flow figures follow, docs/design.md "Metric definitions": the client given to a card a week
later does not move that week's repeat orders).

A card's client at an instant is the old value of its first client change at or after that
instant, else its client now (the change events carry `old_id` and `new_id`). A repeat order is
one whose client, so read, had an order card created before it, by (time, id), whose client at
the week's end was the same. Each order counts under its client's segment as at the week's end
too: the old segment of the client's first segment change at or after the end, else its
segment now (processes' ClientSegmentChange). Four queries, whatever the history's length: the
client changes after the week, the week's cards, the first order of each of their clients,
their segments then."""

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Subquery

from processes.models import Client, ClientSegmentChange, Event, EventKind, RequestCard
from sales.definitions import ORDER_PROCESS_SLUG


@dataclass(frozen=True)
class Order:
    card_id: int
    client_id: int | None  # as at the week's end
    segment: str | None  # that client's segment as at the week's end
    repeat: bool


def _client_changes_since(end: datetime) -> dict[int, int | None]:
    """Order card id -> the client it had before its first client change at or after `end`."""
    first: dict[int, int | None] = {}
    rows = (
        Event.objects.filter(
            kind=EventKind.FIELD_CHANGE,
            data__field="client",
            at__gte=end,
            card__process__slug=ORDER_PROCESS_SLUG,
        )
        .order_by("card_id", "at", "id")
        .values_list("card_id", "data")
    )
    for card_id, data in rows:
        first.setdefault(card_id, data.get("old_id"))
    return first


def _first_orders(clients: set[int], among, later: dict[int, int | None], end: datetime) -> dict:
    """Client id -> (created_at, id) of its first order card created before `end`, each card
    read with its client at `end`. `among`: `clients`, or a query of the same ids."""
    orders = RequestCard.objects.filter(process__slug=ORDER_PROCESS_SLUG, created_at__lt=end)
    firsts: dict[int, tuple] = {}

    def offer(client, key):
        if client in clients and (client not in firsts or key < firsts[client]):
            firsts[client] = key

    # Each client's first card among those whose client did not change since: one look-up per
    # client through the (client, created) index, not a scan of every order before `end` (the
    # year's backfill reads 52 weeks, issue 25).
    first = (
        orders.filter(client_id=OuterRef("pk"))
        .exclude(pk__in=list(later))
        .order_by("created_at", "pk")
    )
    rows = (
        Client.objects.filter(pk__in=among)
        .annotate(
            first_at=Subquery(first.values("created_at")[:1]),
            first_card=Subquery(first.values("pk")[:1]),
        )
        .values_list("pk", "first_at", "first_card")
    )
    for client, at, pk in rows:
        if pk is not None:
            offer(client, (at, pk))
    for pk, at in orders.filter(pk__in=list(later)).values_list("pk", "created_at"):
        offer(later[pk], (at, pk))
    return firsts


def _segments_at(clients, end: datetime) -> dict[int, str | None]:
    """Client id -> the name of its segment as at `end`, in one query (`clients`: ids, or a
    query of them)."""
    later = ClientSegmentChange.objects.filter(client_id=OuterRef("pk"), at__gte=end).order_by(
        "at", "id"
    )
    rows = (
        Client.objects.filter(pk__in=clients)
        .annotate(
            changed=Exists(later),
            then=Subquery(later.values("old_segment__name")[:1]),
        )
        .values_list("pk", "segment__name", "changed", "then")
    )
    return {pk: then if changed else now for pk, now, changed, then in rows}


def week_orders(start: datetime, end: datetime) -> list[Order]:
    """The order cards created in [start, end), each with its client at `end`."""
    later = _client_changes_since(end)
    cards = RequestCard.objects.filter(
        process__slug=ORDER_PROCESS_SLUG, created_at__gte=start, created_at__lt=end
    )
    week = [
        (pk, at, later[pk] if pk in later else client)
        for pk, at, client in cards.values_list("pk", "created_at", "client_id")
    ]
    clients = {client for _, _, client in week if client is not None}
    # The clients as a subquery when no card of the week changed its client since (they are
    # then the cards' own): thousands of ids cost Django more to prepare as parameters than
    # the database to read again (the year's backfill, issue 25).
    among = cards.values("client_id") if not any(pk in later for pk, _, _ in week) else clients
    firsts = _first_orders(clients, among, later, end)
    segments = _segments_at(among, end)
    return [
        Order(
            card_id=pk,
            client_id=client,
            segment=segments.get(client),
            repeat=client is not None and firsts.get(client, (at, pk)) < (at, pk),
        )
        for pk, at, client in week
    ]


def _history_by_key(rows) -> dict:
    """key -> ([at, ...], [value, ...]) from rows (key, at, value) ordered by (key, at, id): the
    value of the first at or after an instant is found by bisect."""
    history: dict = {}
    for key, at, value in rows:
        ats, values = history.setdefault(key, ([], []))
        ats.append(at)
        values.append(value)
    return history


def _as_at(history: dict, key, now_value, instant: datetime):
    """The value `key` had at `instant`: the old value of its first change at or after it, else
    its value now."""
    if key not in history:
        return now_value
    ats, olds = history[key]
    i = bisect_left(ats, instant)
    return olds[i] if i < len(ats) else now_value


def weeks_order_counts(bounds: list[tuple[datetime, datetime]]) -> list[Counter]:
    """For each [start, end) of `bounds` (disjoint), the order cards created in it counted by
    (segment, repeat), each card read with its client and that client's segment as at `end`,
    exactly as `week_orders` reads them, for many weeks in four queries: the client changes and
    the segment changes after the first end, the clients' segments now, and the order cards
    created before the last end in (created_at, id) order, folded once in Python.

    A card whose client never changed since the first end keeps its client in every week: it
    is a repeat when an earlier such card had the same client, or a changed card whose client
    at the week's end is that one came before it (few: looked at per week)."""
    counts = [Counter() for _ in bounds]
    if not bounds:
        return counts
    order = sorted(range(len(bounds)), key=lambda i: bounds[i][0])
    starts = [bounds[i][0] for i in order]
    ends = [bounds[i][1] for i in order]
    first_end, last_end = min(ends), max(ends)
    moved = _history_by_key(
        (card, at, data.get("old_id"))
        for card, at, data in Event.objects.filter(
            kind=EventKind.FIELD_CHANGE,
            data__field="client",
            at__gte=first_end,
            card__process__slug=ORDER_PROCESS_SLUG,
        )
        .order_by("card_id", "at", "id")
        .values_list("card_id", "at", "data")
    )
    regrouped = _history_by_key(
        ClientSegmentChange.objects.filter(at__gte=first_end)
        .order_by("client_id", "at", "id")
        .values_list("client_id", "at", "old_segment__name")
    )
    segment_now = dict(Client.objects.values_list("pk", "segment__name"))
    cards = (
        RequestCard.objects.filter(process__slug=ORDER_PROCESS_SLUG, created_at__lt=last_end)
        .order_by("created_at", "pk")
        .values_list("created_at", "pk", "client_id")
    )
    # Per week (in start order): each client counted (client, repeat) first, its segment after.
    by_client: list[Counter] = [Counter() for _ in order]
    firsts: dict[int, tuple] = {}  # client -> (created_at, id) of its first unchanged card
    changed: list[tuple] = []  # (created_at, id, client now) of the cards whose client changed
    n, w = len(order), 0
    start, end = starts[0], ends[0]
    for at, pk, client in cards.iterator(chunk_size=20_000):
        if pk in moved:
            changed.append((at, pk, client))
            continue
        if client is not None and client not in firsts:
            firsts[client] = (at, pk)
            repeat = False
        else:
            repeat = client is not None
        while at >= end and w < n - 1:
            w += 1
            start, end = starts[w], ends[w]
        if start <= at < end:
            by_client[w][(client, repeat)] += 1
    # The cards whose client changed, each week: their clients as at its end, the first of
    # them per client, then every card of the week checked against those firsts.
    for w in range(n):
        start, end = starts[w], ends[w]
        now_clients = [
            (at, pk, _as_at(moved, pk, client, end)) for at, pk, client in changed if at < end
        ]
        changed_firsts: dict[int, tuple] = {}
        for at, pk, client in now_clients:
            if client is not None and (at, pk) < changed_firsts.get(client, (end, pk)):
                changed_firsts[client] = (at, pk)
        week = by_client[w]
        if changed_firsts:  # an unchanged card after a changed one of its client is a repeat
            week = Counter()
            for (client, repeat), k in by_client[w].items():
                if not repeat and client in changed_firsts:
                    repeat = changed_firsts[client] < firsts[client]
                week[(client, repeat)] += k
        for at, pk, client in now_clients:
            if at >= start:
                first = min(firsts.get(client, (end, pk)), changed_firsts.get(client, (end, pk)))
                week[(client, client is not None and first < (at, pk))] += 1
        counted = counts[order[w]]
        for (client, repeat), k in week.items():
            segment = (
                None if client is None else _as_at(regrouped, client, segment_now.get(client), end)
            )
            counted[(segment, repeat)] += k
    return counts
