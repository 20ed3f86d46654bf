"""Writes sent to the database together: one round trip where the ORM would make several.

A request that writes a few rows waits for the database once per statement; on a busy machine
each wait costs more than building the statement (bench/hot_paths.py). PostgreSQL runs an
INSERT and an UPDATE of other rows as one statement (a data-modifying `WITH`); elsewhere they
run one after the other, as the ORM would.
"""

from django.db import connection
from django.db.models import AutoField, QuerySet
from django.db.models.sql import InsertQuery, UpdateQuery


def bulk_create_with_update(objs: list, *, rows: QuerySet, values: dict) -> list:
    """`bulk_create(objs)` and `rows.update(**values)` as one statement on PostgreSQL: `WITH
    changed AS (UPDATE ...) INSERT ... RETURNING id`. The objects get their ids, as from
    `bulk_create`.

    Both parts see the same snapshot, taken when the statement starts: a caller that needs the
    UPDATE to see rows committed while it waited for a lock takes that lock in an earlier
    statement. `objs` are new rows of one model without ids; `values` are columns of `rows`'
    own table (not of a parent model's).
    """
    if not objs:
        rows.update(**values)
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        rows.update(**values)
        return objs
    meta = model._meta
    insert = InsertQuery(model)
    fields = [f for f in meta.concrete_fields if not f.generated and not isinstance(f, AutoField)]
    insert.insert_values(fields, objs)
    inserting = insert.get_compiler(connection=connection)
    inserting.returning_fields = [meta.pk]
    ((insert_sql, insert_params),) = inserting.as_sql()
    update = rows.query.chain(UpdateQuery)
    update.add_update_values(values)
    if update.related_updates:
        raise ValueError("bulk_create_with_update: the values must be columns of `rows`' table.")
    # A filter over joins becomes `id IN (SELECT ...)` in the SQL (PostgreSQL's UPDATE may read
    # its own table): nothing is read before.
    update_sql, update_params = update.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH changed AS ({update_sql}) {insert_sql}", (*update_params, *insert_params)
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
