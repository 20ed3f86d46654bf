"""The reservation's take as a function of PostgreSQL (stock/services/taking.py): its two
statements' plans are cached per connection (planning the second cost twice its execution,
and it ran while the stock row was held). Nothing on SQLite, whose take runs in Python."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION stock_card_take(p_card bigint, p_now timestamptz)
RETURNS TABLE (
    lines bigint, id bigint, item_id bigint, product_id bigint, warehouse_id bigint,
    reserved numeric, short numeric, changed boolean, bumped bigint
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
        SELECT s.id, s.product_id, s.warehouse_id, s.on_hand - s.reserved AS available
        FROM stock_stock s
        WHERE (s.product_id, s.warehouse_id) IN (SELECT product_id, warehouse_id FROM open_lines)
    ),
    lines AS (
        SELECT l.id, l.item_id, l.product_id, l.warehouse_id, l.quantity, l.reserved, l.short,
               l.first_reserved_at, h.id AS stock_id, h.available
        FROM stock_stockline l
        JOIN held h ON h.product_id = l.product_id AND h.warehouse_id = l.warehouse_id
        WHERE l.card_id = p_card AND NOT l.consumed
    ),
    plan AS (
        SELECT id, item_id, product_id, warehouse_id, stock_id, short, first_reserved_at,
               reserved, quantity - reserved AS need,
               LEAST(quantity - reserved, GREATEST(0, available - (
                   SUM(quantity - reserved) OVER (PARTITION BY stock_id ORDER BY id)
                   - (quantity - reserved)
               ))) AS take
        FROM lines
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
    bumped AS (
        UPDATE stock_stock s SET reserved = s.reserved + t.taken
        FROM (SELECT stock_id, SUM(take) AS taken FROM plan GROUP BY stock_id) t
        WHERE s.id = t.stock_id AND t.taken > 0
        RETURNING s.id
    )
    SELECT o.lines, p.id, p.item_id, p.product_id, p.warehouse_id, p.reserved + p.take, p.need - p.take,
           p.id IN (SELECT id FROM changed), (SELECT count(*) FROM bumped)
    FROM (SELECT count(*) AS lines FROM open_lines) o
    LEFT JOIN plan p ON true
    ORDER BY p.id;
END
$take$
"""

DROP = "DROP FUNCTION IF EXISTS stock_card_take(bigint, timestamptz)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("stock", "0002_purchasing_and_order_to_cash")]

    operations = [migrations.RunPython(create, drop)]
