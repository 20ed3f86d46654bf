"""The sales app's data: reactivations (repeat sales)."""

from sales.models.reactivations import Reactivation, ReactivationOutcome

__all__ = ["Reactivation", "ReactivationOutcome"]
