"""Rows of a subquery read as one column of the outer row (a JSON array of arrays): the rows
a request needs with its main object come in its read, one round trip instead of two.

bench/hot_paths.py: a card's action read the card, then its line items, then the actor's
grants, each waiting for the database; on a busy machine the waits cost more than the SQL.
"""

import json
from decimal import Decimal

from django.db import connection


def nested_rows_sql(select_sql: str, columns: list[str], order_by: str) -> str:
    """A scalar subquery giving the rows of `select_sql` (its `columns`, ordered by
    `order_by`, a column among them) as JSON text (NULL or [] when there are none). Text, not json:
    psycopg2 would parse json with floats, and numbers must stay exact (`nested_rows_load`)."""
    listed = ", ".join(f"r.{column}" for column in columns)
    if connection.vendor == "postgresql":
        return (
            f"SELECT json_agg(json_build_array({listed}) ORDER BY r.{order_by})::text"
            f" FROM ({select_sql}) r"
        )
    # SQLite keeps the order of the rows it aggregates (a subquery's ORDER BY).
    return (
        f"SELECT json_group_array(json_array({listed})) FROM ({select_sql} ORDER BY {order_by}) r"
    )


def nested_rows_load(text: str | None) -> list[list]:
    """The rows of `nested_rows_sql`'s column: numbers with a fraction as Decimal (exact)."""
    if not text:
        return []
    return json.loads(text, parse_float=Decimal)
