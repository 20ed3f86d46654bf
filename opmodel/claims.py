"""Claiming due work so that workers running side by side each do a row once (the deadline
scan's pattern, after healthchecks' sendalerts): no lock held, a task delivered twice does nothing.
"""

from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet


def claim(rows: QuerySet, *, stamp: str, at: datetime) -> list[int]:
    """Set the datetime field `stamp` to `at` on those of `rows` where it is still empty, and
    return the ids this call set.

    One `UPDATE ... SET stamp = at WHERE stamp IS NULL AND id IN (rows) RETURNING id` is the
    claim: of two workers, only the one whose UPDATE changed a row goes on with it (PostgreSQL
    re-checks `stamp IS NULL` after waiting for the other's row lock; SQLite runs one writer at
    a time). RETURNING (PostgreSQL, SQLite 3.35+) says which rows were ours, which a count
    cannot. `rows` may be ordered and sliced (a batch).
    """
    return _stamp_swap(rows, stamp=stamp, was_set=False, value=at)


def release(rows: QuerySet, *, stamp: str) -> list[int]:
    """Empty the datetime field `stamp` on those of `rows` where it is set, and return the ids
    this call emptied: the end of a claimed spell (a card back on track), told once, the same
    way `claim` starts it."""
    return _stamp_swap(rows, stamp=stamp, was_set=True, value=None)


def _stamp_swap(rows: QuerySet, *, stamp: str, was_set: bool, value) -> list[int]:
    """One conditional UPDATE ... RETURNING: `stamp` becomes `value` on those of `rows` where it
    was set (`was_set`) or empty, and the ids changed are returned."""
    meta = rows.model._meta
    quote = connection.ops.quote_name
    table, column, pk = (
        quote(meta.db_table),
        quote(meta.get_field(stamp).column),
        quote(meta.pk.column),
    )
    try:
        select, params = rows.values_list("pk").query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list: nothing to change
        return []
    condition = "IS NOT NULL" if was_set else "IS NULL"
    sql = (
        f"UPDATE {table} SET {column} = %s "
        f"WHERE {column} {condition} AND {pk} IN ({select}) RETURNING {pk}"
    )
    new = None if value is None else connection.ops.adapt_datetimefield_value(value)
    with connection.cursor() as cursor:
        cursor.execute(sql, [new, *params])
        return [row[0] for row in cursor.fetchall()]
