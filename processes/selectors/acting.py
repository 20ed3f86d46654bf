"""The card an API action acts on (a move, a block, a change, a line item), read with its line
items and the actor's process grants in one query.

A move waited for the database ten times against the trivial endpoint's two (bench/hot_paths.py,
issue 25): the card, its items and the grants were three of them. The items and the grants come
here as columns of the card's row (`opmodel.nested_rows`), and `card_acting_ready` puts them
where the services look: the card's prefetched `items`, and the actor's role map for the rest
of the request (`roles.permissions.role_map`).
"""

from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from opmodel.nested_rows import nested_rows_load, nested_rows_sql
from processes.models import LineItem, RequestCard
from processes.selectors.visible import CARD_RELATED
from roles.permissions import role_map_seed
from roles.selectors import GRANT_COLUMNS, grant_rows_sql

# The line item's columns read with the card, in order (the card's own column is known).
ITEM_FIELDS = ["id", "product", "quantity", "unit_price", "unit_cost"]


def _items_sql() -> str:
    quote = connection.ops.quote_name
    items, card = LineItem._meta, RequestCard._meta
    columns = [items.get_field(name).column for name in ITEM_FIELDS]
    select = (
        f"SELECT {', '.join(columns)} FROM {quote(items.db_table)}"
        f" WHERE {items.get_field('card').column} = {quote(card.db_table)}.{quote(card.pk.column)}"
    )
    return nested_rows_sql(select, columns, order_by=items.pk.column)


def cards_for_action(user) -> QuerySet[RequestCard]:
    """The cards of the processes where `user` holds a role (`cards_visible_to`), each with the
    columns `card_acting_ready` unpacks: its line items and the user's grants. Nothing for an
    anonymous user."""
    if user is None or not user.is_authenticated:
        return RequestCard.objects.none()
    grants, params = grant_rows_sql(user)
    return (
        RequestCard.objects.select_related(*CARD_RELATED)
        .filter(process_id__in=RawSQL(f"SELECT process_id FROM ({grants}) g", params))
        .annotate(
            acting_grants=RawSQL(nested_rows_sql(grants, GRANT_COLUMNS, "process_id"), params),
            acting_items=RawSQL(_items_sql(), []),
        )
    )


def card_acting_ready(*, card: RequestCard, user) -> RequestCard:
    """Put what `cards_for_action` read with `card` where the services look for it: its line
    items as the prefetched `card.items`, the grants as `user`'s role map."""
    role_map_seed(user, [tuple(row) for row in nested_rows_load(card.acting_grants)])
    fields = [LineItem._meta.get_field(name) for name in ITEM_FIELDS]
    items = []
    for row in nested_rows_load(card.acting_items):
        values = dict(zip(ITEM_FIELDS, row, strict=True))
        for field in fields:
            if field.get_internal_type() == "DecimalField":
                # What the database stored, at the column's scale (as the ORM reads it).
                values[field.name] = Decimal(values[field.name]).quantize(
                    Decimal(1).scaleb(-field.decimal_places)
                )
        item = LineItem(card_id=card.pk, **values)
        item._state.adding = False
        item._state.db = card._state.db
        # The item's card is this one, as a prefetch would leave it.
        LineItem.card.field.set_cached_value(item, card)
        items.append(item)
    # What `prefetch_related("items")` leaves: the related manager answers from this list.
    prefetched = card.items.all()
    prefetched._result_cache = items
    prefetched._prefetch_done = True
    card._prefetched_objects_cache = {
        **getattr(card, "_prefetched_objects_cache", {}),
        "items": prefetched,
    }
    return card
