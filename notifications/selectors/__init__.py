"""Reads of a user's inbox (names re-exported from `inbox`)."""

from notifications.selectors.inbox import (
    KIND_FILTERS,
    notification_email_enabled,
    notification_lines,
    notifications_for,
    notifications_inbox,
    notifications_unread_count,
)

__all__ = [
    "KIND_FILTERS",
    "notification_email_enabled",
    "notification_lines",
    "notifications_for",
    "notifications_inbox",
    "notifications_unread_count",
]
