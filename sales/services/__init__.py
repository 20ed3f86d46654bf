"""Writes of the sales app; the main module's names re-exported."""

from sales.services.reactivations import reactivation_process, reactivation_scan

__all__ = ["reactivation_process", "reactivation_scan"]
