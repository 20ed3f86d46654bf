"""The notifications app's data: a user's inbox and how they want to hear. Import the classes
from here."""

from notifications.models.notifications import (
    Notification,
    NotificationPreference,
)

__all__ = [
    "Notification",
    "NotificationPreference",
]
