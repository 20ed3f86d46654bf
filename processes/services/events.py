"""The one builder of Event rows: every service that writes a card's history goes through it."""

from datetime import datetime

from processes.models import Event, RequestCard


def event_record(
    *,
    card: RequestCard,
    kind: str,
    actor,
    at: datetime,
    from_status: str | None = None,
    to_status: str | None = None,
    **fields,
) -> Event:
    """An unsaved event of `card`: `.save()` it, or `Event.objects.bulk_create` several at once.

    Both statuses default to the card's current one: anything but a move happens in a status.
    A move gives `from_status`; creation gives `from_status=""` (the card came from nowhere).
    `fields` are the other columns: transition, comment, reason, data.
    """
    return Event(
        card=card,
        kind=kind,
        actor=actor,
        at=at,
        from_status=card.status if from_status is None else from_status,
        to_status=card.status if to_status is None else to_status,
        **fields,
    )
