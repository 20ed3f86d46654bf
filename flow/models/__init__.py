"""The flow app's data: the process map's ledger of visits. Import the classes from here."""

from flow.models.map_ledger import MapLedger, Visit

__all__ = ["MapLedger", "Visit"]
