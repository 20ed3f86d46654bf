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
their segments then. `weeks_order_counts` counts the same orders for many weeks at once (the
year's backfill: six or seven queries, not four a week)."""

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When

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
    exactly as `week_orders` reads them: many weeks in six queries (seven when a client's
    first order is a card whose client changed since), not four a week.

    A card whose client did not change since the first end ("unchanged") has its client now in
    every week. Such a card is a repeat unless it has no client, or it is its client's first
    unchanged card and no changed card whose client at the week's end is that one came before
    it. So the database counts the unchanged cards of each week by the segment of their client
    now (by client for the clients whose segment changed since, then read as at the week's
    end), and the first unchanged card of each client; the changed cards, few, are read one by
    one and placed week by week."""
    counts = [Counter() for _ in bounds]
    if not bounds:
        return counts
    order = sorted(range(len(bounds)), key=lambda i: bounds[i][0])
    starts = [bounds[i][0] for i in order]
    ends = [bounds[i][1] for i in order]
    first_end, last_end = min(ends), max(ends)
    # The changed cards and clients as subqueries, not lists: any number of them.
    changes = Event.objects.filter(
        kind=EventKind.FIELD_CHANGE,
        data__field="client",
        at__gte=first_end,
        card__process__slug=ORDER_PROCESS_SLUG,
    )
    moved = _history_by_key(
        (card, at, data.get("old_id"))
        for card, at, data in changes.order_by("card_id", "at", "id").values_list(
            "card_id", "at", "data"
        )
    )
    segment_changes = ClientSegmentChange.objects.filter(at__gte=first_end)
    regrouped = _history_by_key(
        segment_changes.order_by("client_id", "at", "id").values_list(
            "client_id", "at", "old_segment__name"
        )
    )
    segment_now, segment_names = {}, {}  # client -> its segment's name; segment id -> name
    for client, segment, name in Client.objects.values_list("pk", "segment_id", "segment__name"):
        segment_now[client], segment_names[segment] = name, name
    orders = RequestCard.objects.filter(process__slug=ORDER_PROCESS_SLUG)
    changed = list(
        orders.filter(pk__in=changes.values("card_id"), created_at__lt=last_end).values_list(
            "created_at", "pk", "client_id"
        )
    )
    unchanged = orders.exclude(pk__in=changes.values("card_id"))

    # Each client's first unchanged card: its first order, unless that one changed; then, for
    # those few clients, the first of their orders that did not (read in Python: excluding the
    # changed cards from every client's look-up costs more than the look-up).
    first = orders.filter(client_id=OuterRef("pk")).order_by("created_at", "pk")
    firsts = {  # one look-up per client through the (client, created) index
        client: (at, pk)
        for client, at, pk in Client.objects.annotate(
            first_at=Subquery(first.values("created_at")[:1]),
            first_card=Subquery(first.values("pk")[:1]),
        ).values_list("pk", "first_at", "first_card")
        if pk is not None
    }
    again = [client for client, (_, pk) in firsts.items() if pk in moved]
    for client in again:
        del firsts[client]
    rows = (
        orders.filter(client_id__in=again)
        .order_by("client_id", "created_at", "pk")
        .values_list("client_id", "created_at", "pk")
    )
    for client, at, pk in rows if again else ():
        if pk not in moved and client not in firsts:
            firsts[client] = (at, pk)
    firsts_in = [[] for _ in order]  # per week, the clients whose first unchanged card it has
    for client, (at, _) in firsts.items():
        w = bisect_right(starts, at) - 1
        if w >= 0 and at < ends[w]:
            firsts_in[w].append(client)
    week = Case(
        *(
            When(created_at__gte=start, created_at__lt=end, then=Value(w))
            for w, (start, end) in enumerate(zip(starts, ends, strict=True))
        ),
        output_field=IntegerField(),
    )
    by_client = Case(
        When(client_id__in=segment_changes.values("client_id"), then="client_id"),
        output_field=IntegerField(),
    )
    rows = (
        unchanged.filter(created_at__gte=starts[0], created_at__lt=last_end)
        .annotate(week=week, by_client=by_client if regrouped else Value(None, IntegerField()))
        .values("week", "client__segment_id", "by_client")  # ids: a shorter sort than names
        .annotate(n=Count("pk"), nobody=Count("pk", filter=Q(client__isnull=True)))
        .values_list("week", "client__segment_id", "by_client", "n", "nobody")
    )
    placed: list[list] = [[] for _ in order]
    for w, *row in rows:
        if w is not None:  # else between two weeks not asked for
            placed[w].append(row)
    for w in range(len(order)):
        start, end = starts[w], ends[w]

        def segment_at(client, end=end):
            return _as_at(regrouped, client, segment_now.get(client), end)

        all_orders, firsts_of = Counter(), Counter()  # by segment: the orders, the non-repeats
        for segment, client, n, nobody in placed[w]:
            segment = segment_names.get(segment) if client is None else segment_at(client)
            all_orders[segment] += n
            firsts_of[segment] += nobody
        # The changed cards: their clients as at the week's end, the first of them per client.
        now_clients = [
            (at, pk, _as_at(moved, pk, client, end)) for at, pk, client in changed if at < end
        ]
        changed_firsts: dict[int, tuple] = {}
        for at, pk, client in now_clients:
            if client is not None and (at, pk) < changed_firsts.get(client, (end, pk)):
                changed_firsts[client] = (at, pk)
        for client in firsts_in[w]:  # a repeat if a changed card of its client came before
            if not changed_firsts.get(client, firsts[client]) < firsts[client]:
                firsts_of[segment_at(client)] += 1
        for at, pk, client in now_clients:
            if at >= start:
                segment = None if client is None else segment_at(client)
                all_orders[segment] += 1
                earliest = min(firsts.get(client, (end, pk)), changed_firsts.get(client, (end, pk)))
                firsts_of[segment] += client is None or not earliest < (at, pk)
        counted = counts[order[w]]
        for segment, n in all_orders.items():
            counted[(segment, False)] = firsts_of[segment]
            counted[(segment, True)] = n - firsts_of[segment]
    return [+c for c in counts]  # the zero counts left out
