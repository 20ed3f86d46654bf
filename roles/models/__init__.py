"""The roles app's data: process roles granted to people or groups. Import the classes from here."""

from roles.models.grants import (
    ProcessRole,
    RoleKind,
)

__all__ = [
    "ProcessRole",
    "RoleKind",
]
