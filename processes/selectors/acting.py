"""The card an API action acts on (a move, a block, a change, a line item), read with its line
items and the actor's process grants in one query.

A move waited for the database ten times against the trivial endpoint's two (bench/hot_paths.py,
issue 25): the card, its items and the grants were three of them. The items and the grants come
here as columns of the card's row (`opmodel.nested_rows`), and `card_acting_ready` puts them
where the services look: the card's prefetched `items`, and the actor's role map for the rest
of the request (`roles.permissions.role_map`).
"""

import itertools
import threading
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators

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


# Stand-ins for the user's and the card's ids while the read's SQL is built: no id is negative.
_USER_ID, _CARD_ID = -7001, -7002
# The largest id a parameter may carry (a bigint); a larger one names no card.
_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class _Read:
    """The card's read built once: its SQL, where its parameters go, how rows become cards."""

    sql: str
    params: tuple[int, ...]  # _USER_ID or _CARD_ID, in the SQL's order
    prepared_sql: str  # the SQL with $1 for the user's id and $2 for the card's
    compiler: object
    converters: dict
    init_list: list[str]
    model_fields: slice
    related_populators: list
    annotation_col_map: dict


_reads: dict[tuple[str, str], _Read] = {}
_reads_lock = threading.Lock()


def _read_built() -> _Read:
    """The SQL of `cards_for_action(user).filter(pk=...)` with stand-in ids, compiled once per
    process and database: the ORM spent about 1 ms of CPU building this SELECT of four joins
    for every move (bench/hot_paths.py), the same statement each time but for two ids."""
    key = (connection.alias, connection.vendor)
    read = _reads.get(key)
    if read is not None:
        return read
    with _reads_lock:
        stand_in = SimpleNamespace(pk=_USER_ID, is_authenticated=True)
        query = cards_for_action(stand_in).filter(pk=_CARD_ID).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if not all(p in (_USER_ID, _CARD_ID) for p in params):
            raise ValueError(f"The card's read has parameters of its own: {params}")
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        parts = sql.split("%s")
        if len(parts) != len(params) + 1 or "%" in "".join(parts):
            raise ValueError("The card's read holds a % of its own.")
        numbered = [f"${1 if p == _USER_ID else 2}" for p in params]
        read = _Read(
            sql=sql,
            params=tuple(params),
            prepared_sql="".join(
                part + mark for part, mark in zip(parts, [*numbered, ""], strict=True)
            ),
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
            init_list=[f[0].target.attname for f in select[fields[0] : fields[-1] + 1]],
            model_fields=slice(fields[0], fields[-1] + 1),
            related_populators=get_related_populators(klass_info, select, connection.alias),
            annotation_col_map=dict(compiler.annotation_col_map),
        )
        _reads[key] = read
    return read


def card_for_action(*, user, pk) -> RequestCard | None:
    """The card `pk` of `cards_for_action(user)`, ready (`card_acting_ready`), or None when
    the user may not see it or there is none. One query, whose SQL is built once."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if user is None or not user.is_authenticated or not 0 < pk <= _MAX_ID:
        return None
    read = _read_built()
    row = _row_read(read, user_id=user.pk, card_id=pk)
    if row is None:
        return None
    if read.converters:
        (row,) = read.compiler.apply_converters([row], read.converters)
    card = RequestCard.from_db(connection.alias, read.init_list, row[read.model_fields])
    for populator in read.related_populators:
        populator.populate(row, card)
    for name, position in read.annotation_col_map.items():
        setattr(card, name, row[position])
    return card_acting_ready(card=card, user=user)


_prepared_names = itertools.count(1)


def _row_read(read: _Read, *, user_id: int, card_id: int):
    """The card's row. PostgreSQL runs the read as a prepared statement of the connection: its
    plan (0.7 ms of the server's time for four joins and two subqueries, EXPLAIN ANALYZE) is
    made once per connection. The first read on a connection prepares it in the same round
    trip; a statement that failed leaves its name unused (the next try takes a new one), and
    one the session lost is prepared again."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            ids = {_USER_ID: user_id, _CARD_ID: card_id}
            cursor.execute(read.sql, [ids[p] for p in read.params])
            return cursor.fetchone()
        raw = connection.connection
        prepared = getattr(connection, "_opmodel_card_read", None)
        if prepared is not None and prepared[0] is raw:
            try:
                cursor.execute(f"EXECUTE {prepared[1]}(%s, %s)", [user_id, card_id])
                return cursor.fetchone()
            except OperationalError as error:
                # The session lost it (DISCARD ALL, DEALLOCATE: a pooler's reset): prepared
                # again below. Within a transaction the error stands (the transaction failed).
                if connection.in_atomic_block or not _statement_unknown(error):
                    raise
        name = f"opmodel_card_read_{next(_prepared_names)}"
        cursor.execute(
            f"PREPARE {name}(bigint, bigint) AS {read.prepared_sql}; EXECUTE {name}(%s, %s)",
            [user_id, card_id],
        )
        connection._opmodel_card_read = (raw, name)
        return cursor.fetchone()


def _statement_unknown(error: Exception) -> bool:
    """Whether PostgreSQL refused an EXECUTE because the session has no such statement."""
    return getattr(error.__cause__, "pgcode", None) == "26000"  # invalid_sql_statement_name


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
