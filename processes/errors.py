"""The card's own refusals, deriving from the project's family in `opmodel.errors`."""

from opmodel.errors import Conflict, Refused


class TransitionRefused(Refused):
    """The move is unknown, not allowed from the current status, or its conditions fail."""

    def __init__(self, message: str, unmet: list[str] | None = None):
        super().__init__(message)
        self.unmet = list(unmet or [])

    def as_data(self) -> dict:
        return {"detail": self.message, "unmet": self.unmet}


class CardConflict(Conflict):
    """The card's version moved on since the user opened it."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Someone else changed this card since you opened it. Reload it and try again."
        )
