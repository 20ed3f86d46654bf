from stock.models.catalogue import Product, Warehouse
from stock.models.purchasing import PurchaseNeed
from stock.models.stock import Movement, MovementKind, Stock, StockCheckRun, StockLine

__all__ = [
    "Movement",
    "MovementKind",
    "Product",
    "PurchaseNeed",
    "Stock",
    "StockCheckRun",
    "StockLine",
    "Warehouse",
]
