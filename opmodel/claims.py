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
    meta = rows.model._meta
    quote = connection.ops.quote_name
    table, column, pk = (
        quote(meta.db_table),
        quote(meta.get_field(stamp).column),
        quote(meta.pk.column),
    )
    try:
        select, params = rows.values_list("pk").query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list: nothing to claim
        return []
    sql = (
        f"UPDATE {table} SET {column} = %s "
        f"WHERE {column} IS NULL AND {pk} IN ({select}) RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(at), *params])
        return [row[0] for row in cursor.fetchall()]


def release(rows: QuerySet, *, stamp: str) -> list[int]:
    """Empty the datetime field `stamp` on those of `rows` where it is set, and return the ids
    this call emptied: the end of a claimed spell (a card back on track), told once, the same
    way `claim` starts it."""
    meta = rows.model._meta
    quote = connection.ops.quote_name
    table, column, pk = (
        quote(meta.db_table),
        quote(meta.get_field(stamp).column),
        quote(meta.pk.column),
    )
    try:
        select, params = rows.values_list("pk").query.sql_with_params()
    except EmptyResultSet:
        return []
    sql = (
        f"UPDATE {table} SET {column} = NULL "
        f"WHERE {column} IS NOT NULL AND {pk} IN ({select}) RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
