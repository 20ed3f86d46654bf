"""The take function (0003) also writes the card's event and marks the stock rows whose
shortages' catch-up is queued (`Stock.catch_up_queued`): one round trip for the whole
reservation, and one broker message for a burst of shortages of a product instead of one per
short reservation (stock/services/taking.py, stock/services/purchasing.py). Nothing on SQLite,
whose take runs in Python."""

import importlib

from django.db import migrations, models

CREATE = """
CREATE FUNCTION stock_card_take(p_card bigint, p_now timestamptz, p_actor integer, p_status text)
RETURNS TABLE (
    lines bigint, id bigint, item_id bigint, product_id bigint, warehouse_id bigint,
    reserved numeric, short numeric, changed boolean, queue boolean
)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $take$
#variable_conflict use_column
BEGIN
    PERFORM 1 FROM stock_stock s
    WHERE (s.product_id, s.warehouse_id) IN (
        SELECT product_id, warehouse_id FROM stock_stockline
        WHERE card_id = p_card AND NOT consumed
    )
    ORDER BY s.id
    FOR UPDATE OF s;

    RETURN QUERY
    WITH open_lines AS (
        SELECT product_id, warehouse_id FROM stock_stockline
        WHERE card_id = p_card AND NOT consumed
    ),
    held AS (
        SELECT s.id, s.product_id, s.warehouse_id, s.on_hand - s.reserved AS available,
               s.catch_up_queued
        FROM stock_stock s
        WHERE (s.product_id, s.warehouse_id) IN (SELECT product_id, warehouse_id FROM open_lines)
    ),
    lines AS (
        SELECT l.id, l.item_id, l.product_id, l.warehouse_id, l.quantity, l.reserved, l.short,
               l.first_reserved_at, h.id AS stock_id, h.available, h.catch_up_queued
        FROM stock_stockline l
        JOIN held h ON h.product_id = l.product_id AND h.warehouse_id = l.warehouse_id
        WHERE l.card_id = p_card AND NOT l.consumed
    ),
    plan AS (
        -- Nothing is taken while a line's place has no stock row: the caller creates the rows
        -- and calls again, which then takes and records everything at once.
        SELECT id, item_id, product_id, warehouse_id, stock_id, short, first_reserved_at,
               reserved, quantity - reserved AS need, catch_up_queued,
               LEAST(quantity - reserved, GREATEST(0, available - (
                   SUM(quantity - reserved) OVER (PARTITION BY stock_id ORDER BY id)
                   - (quantity - reserved)
               ))) AS take
        FROM lines
        WHERE (SELECT count(*) FROM lines) = (SELECT count(*) FROM open_lines)
    ),
    changed AS (
        UPDATE stock_stockline l SET
            reserved = p.reserved + p.take,
            short = p.need - p.take,
            first_reserved_at = COALESCE(p.first_reserved_at, p_now),
            first_quantity = CASE WHEN p.first_reserved_at IS NULL THEN p.need
                                  ELSE l.first_quantity END,
            first_short = CASE WHEN p.first_reserved_at IS NULL THEN p.need - p.take
                               ELSE l.first_short END,
            short_since = CASE WHEN p.need - p.take > 0 AND p.short = 0 THEN p_now
                               WHEN p.need - p.take = 0 AND p.short > 0 THEN NULL
                               ELSE l.short_since END,
            went_short_at = CASE WHEN p.need - p.take > 0 AND p.short = 0 THEN p_now
                                 ELSE l.went_short_at END,
            filled_at = CASE WHEN p.need - p.take = 0 AND p.short > 0 THEN p_now
                             ELSE l.filled_at END
        FROM plan p
        WHERE l.id = p.id
          AND (p.take > 0 OR p.short <> p.need - p.take OR p.first_reserved_at IS NULL)
        RETURNING l.id
    ),
    per_stock AS (
        -- `queue`: a line of the place is short and no catch-up of its product is queued yet.
        SELECT stock_id, SUM(take) AS taken,
               bool_or(need - take > 0) AND NOT bool_or(catch_up_queued) AS queue
        FROM plan GROUP BY stock_id
    ),
    bumped AS (
        -- One UPDATE per row: the counter and the mark (a row updated twice in one statement
        -- would keep only one of the two).
        UPDATE stock_stock s SET reserved = s.reserved + t.taken,
                                 catch_up_queued = s.catch_up_queued OR t.queue
        FROM per_stock t
        WHERE s.id = t.stock_id AND (t.taken > 0 OR t.queue)
        RETURNING s.id
    ),
    event AS (
        -- The card's event, as reservations._stock_event writes it on SQLite.
        INSERT INTO processes_event (card_id, kind, actor_id, at, from_status, to_status,
                                     transition, comment, reason, data)
        SELECT p_card, 'stock', p_actor, p_now, p_status, p_status, '', 'reserved', '',
               jsonb_build_object('lines', jsonb_agg(jsonb_build_object(
                   'item', p.item_id,
                   'reserved', (p.reserved + p.take)::text,
                   'short', (p.need - p.take)::text
               ) ORDER BY p.id))
        FROM plan p
        WHERE p.id IN (SELECT id FROM changed)
        HAVING count(*) > 0
        RETURNING 1
    )
    SELECT o.lines, p.id, p.item_id, p.product_id, p.warehouse_id, p.reserved + p.take,
           p.need - p.take, p.id IN (SELECT id FROM changed),
           COALESCE((SELECT t.queue FROM per_stock t WHERE t.stock_id = p.stock_id), false)
    FROM (SELECT count(*) AS lines FROM open_lines) o
    LEFT JOIN plan p ON true
    ORDER BY p.id;
END
$take$
"""

DROP = "DROP FUNCTION IF EXISTS stock_card_take(bigint, timestamptz, integer, text)"


def _first():
    return importlib.import_module("stock.migrations.0003_card_take_function")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_first().DROP)
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(_first().CREATE)


class Migration(migrations.Migration):
    dependencies = [("stock", "0003_card_take_function")]

    operations = [
        migrations.AddField(
            model_name="stock",
            name="catch_up_queued",
            field=models.BooleanField(default=False, db_default=False),
        ),
        migrations.RunPython(create, drop),
    ]
