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
