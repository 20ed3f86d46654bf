"""Reads of finance: a card's invoice, the receivables and their aging, the weekly figures
(`finance.selectors.figures`)."""

from finance.selectors.receivables import card_invoice, receivables, receivables_summary

__all__ = ["card_invoice", "receivables", "receivables_summary"]
