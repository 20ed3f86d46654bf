"""The roles app's data: process roles granted to people or groups. Import the classes from here."""

from roles.models.grants import (
    InformedEvent,
    ProcessRole,
    RoleKind,
    informed_events_default,
)

__all__ = [
    "InformedEvent",
    "ProcessRole",
    "RoleKind",
    "informed_events_default",
]
