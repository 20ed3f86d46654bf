"""One action on many cards (the queue's and the risks page's bulk actions).

Each card goes through the same service as a single action, in its own transaction: a card that
may not be changed is refused with its reason and the others go on.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from opmodel.errors import DomainError
from processes.errors import TransitionRefused
from processes.models import RequestCard, Status, Transition
from processes.services.blocks import card_block, card_unblock
from processes.services.cards import card_update
from processes.services.transitions import card_transition


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    # card id -> the reason in words
    refused: dict[int, str] = field(default_factory=dict)


def _reason(exc: DomainError) -> str:
    if isinstance(exc, TransitionRefused) and exc.unmet:
        return exc.message.partition(":")[0] + ": " + "; ".join(exc.unmet)
    errors = getattr(exc, "errors", None)
    if errors:
        return " ".join(m for messages in errors.values() for m in messages)
    return exc.message


def _move_names(cards: list[RequestCard], target: str) -> dict[tuple[int, str], str]:
    """(process id, source slug) -> the name of the transition that reaches `target`."""
    definitions = (
        Transition.objects.filter(process_id__in={c.process_id for c in cards}, target__slug=target)
        .select_related("target")
        .prefetch_related("sources")
    )
    return {(d.process_id, source.slug): d.name for d in definitions for source in d.sources.all()}


def cards_bulk_apply(
    *,
    actor,
    cards: list[RequestCard],
    action: str,
    responsible=None,
    reason: str = "",
    note: str = "",
    target: str = "",
    now: datetime | None = None,
) -> BulkResult:
    """Assign (`responsible`, a user or None), block (`reason`, `note`), unblock (`note`) or
    move (to the status `target`) each card; refusals are kept by card."""
    now = now or timezone.now()
    result = BulkResult()
    moves = _move_names(cards, target) if action == "move" else {}
    names = (
        dict(
            Status.objects.filter(
                process_id__in={c.process_id for c in cards}, slug=target
            ).values_list("process_id", "name")
        )
        if action == "move"
        else {}
    )
    for card in cards:
        try:
            if action == "assign":
                card_update(actor=actor, card=card, changes={"responsible": responsible}, at=now)
            elif action == "block":
                card_block(actor=actor, card=card, reason=reason, note=note, at=now)
            elif action == "unblock":
                card_unblock(actor=actor, card=card, note=note, at=now)
            elif action == "move":
                name = moves.get((card.process_id, card.status))
                if name is None:
                    status_name = names.get(card.process_id, target)
                    raise TransitionRefused(f"There is no move from here to {status_name}.")
                card_transition(actor=actor, card=card, name=name, at=now)
            else:
                raise DomainError(f"Unknown action “{action}”.")
        except DomainError as exc:
            result.refused[card.pk] = _reason(exc)
        else:
            result.done.append(card.pk)
    return result
