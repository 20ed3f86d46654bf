from pathlib import Path

from django.apps import AppConfig


class StockConfig(AppConfig):
    """Products, stock and reservations, and purchasing's shortages: above metrics."""

    name = "stock"
    verbose_name = "Stock and purchasing"

    def ready(self):
        from metrics.sections import weekly_section_register
        from metrics.selectors.health import health_check_register
        from processes.conditions import condition_register
        from processes.effects import effect_register
        from processes.panels import card_extension_register
        from processes.process_templates import document_file, process_template_register
        from processes.promises import promise_estimator_register, promise_shortage_register
        from stock import conditions as c
        from stock.figures import stock_weekly_figures, stock_weekly_html
        from stock.selectors.arrivals import arrivals_expected, lines_short_at_shipment
        from stock.services.check import stock_health
        from stock.views.cards import card_stock_panel, short_marks

        card_extension_register(name="stock", panel=card_stock_panel, tile_marks=short_marks)
        process_template_register(
            "purchasing",
            "Purchasing",
            "Buying what order cards wait for: requested, ordered, received or cancelled, with a "
            "receipt to close.",
            document_file(Path(__file__).parent / "process_documents" / "purchasing.json"),
        )
        promise_estimator_register(name="stock_arrival", expected=arrivals_expected)
        promise_shortage_register(name="stock_short", short_lines=lines_short_at_shipment)
        weekly_section_register(
            name="stock", render=stock_weekly_html, compute=stock_weekly_figures
        )
        health_check_register(name="stock_ledger", check=stock_health)
        condition_register(
            name="stock_reserved_in_full",
            label="Every stock line is reserved in full",
            check=c.stock_reserved_in_full,
        )
        condition_register(
            name="has_receipt", label="The purchase has a receipt", check=c.has_receipt
        )
        effect_register(name="reserve_stock", label="Reserve stock", run=c.reserve_stock)
        effect_register(name="release_stock", label="Release stock", run=c.release_stock)
        effect_register(name="consume_stock", label="Consume stock (ship)", run=c.consume_stock)
        effect_register(
            name="close_purchase", label="Close the purchase need", run=c.close_purchase
        )
