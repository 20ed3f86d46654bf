"""Reads of the sales app; the main module's names re-exported."""

from sales.selectors.due import DueClient, clients_due, last_orders, orders_since

__all__ = ["DueClient", "clients_due", "last_orders", "orders_since"]
