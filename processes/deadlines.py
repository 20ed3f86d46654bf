"""Deadline sources: a status whose deadline comes from the card's data instead of a fixed
allowance (order to cash's `fulfilled`: the invoice's due date).

A status names its source by name (`Status.deadline_source`, data); apps above processes
implement sources and register them with `deadline_source_register` in their AppConfig.ready
(docs/design.md, "Architecture": processes never imports them). A source answers the instant
the card's visit of the status is due, or None to fall back to the status's SLA policy (an
invoice already paid has no money to wait for).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DeadlineSource:
    name: str
    label: str
    deadline: Callable[..., datetime | None]  # deadline(card=, status=, now=)


DEADLINE_SOURCES: dict[str, DeadlineSource] = {}


def deadline_source_register(
    *, name: str, label: str, deadline: Callable[..., datetime | None]
) -> None:
    """Offer a named deadline source to every process (called once, at start-up)."""
    DEADLINE_SOURCES[name] = DeadlineSource(name, label, deadline)


def deadline_source_choices() -> list[tuple[str, str]]:
    return [(s.name, s.label) for s in DEADLINE_SOURCES.values()]


def sourced_deadline(card, status, now: datetime) -> datetime | None:
    """The deadline the status's source gives the card (None: no source, an unknown one, or
    the source has none for this card)."""
    source = DEADLINE_SOURCES.get(status.deadline_source) if status.deadline_source else None
    if source is None or status.final:
        return None
    return source.deadline(card=card, status=status, now=now)
