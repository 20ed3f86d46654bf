"""Blocking and unblocking a card (docs/design.md, "Vocabulary": Block): the status stays, the SLA
clock may pause, and each is an event."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from opmodel.errors import InvalidInput, Refused
from processes.models import (
    BlockReason,
    EventKind,
    RequestCard,
)
from processes.permissions import require_card_editor
from processes.services.cards import (
    _current_status,
    _final_slugs,
    card_save,
    check_version,
    deadline_data,
)
from processes.services.events import event_record
from processes.sla import sla_pause, sla_resume


def card_block(
    *,
    actor,
    card: RequestCard,
    reason: str | BlockReason,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> RequestCard:
    now = at or timezone.now()
    require_card_editor(actor, card.process_id, "block cards")
    check_version(card, expected_version)
    if isinstance(reason, BlockReason):
        block_reason = reason if reason.process_id == card.process_id else None
    else:
        block_reason = BlockReason.objects.filter(process_id=card.process_id, slug=reason).first()
    if block_reason is None:
        raise InvalidInput({"reason": ["Choose a block reason from this process's list."]})
    if card.is_blocked:
        raise Refused(f"The card is already blocked ({card.block_reason}).")
    if card.status in _final_slugs(card.process_id):
        raise Refused("A finished card cannot be blocked.")
    note = (note or "").strip()
    if len(note) > 500:
        raise InvalidInput({"note": ["Keep the note under 500 characters."]})
    with transaction.atomic():
        card.is_blocked = True
        card.block_reason = block_reason
        card.block_note = note
        card.blocked_at = now
        before_due = card.due_at
        sla_pause(card, now)
        card.updated_at = now
        card_save(card)
        event_record(
            card=card,
            kind=EventKind.BLOCK,
            actor=actor,
            at=now,
            reason=block_reason.slug,
            comment=note,
            data=_deadline_moved(before_due, card.due_at),
        ).save()
    return card


def card_unblock(
    *,
    actor,
    card: RequestCard,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> RequestCard:
    now = at or timezone.now()
    require_card_editor(actor, card.process_id, "unblock cards")
    check_version(card, expected_version)
    if not card.is_blocked:
        raise Refused("The card is not blocked.")
    if card.status in _final_slugs(card.process_id):
        raise Refused("This card is finished: its block ended when it finished.")
    with transaction.atomic():
        block_end(card=card, actor=actor, now=now, why=note, resume=_current_status(card))
        card.updated_at = now
        card_save(card)
    return card


def _deadline_moved(before, after) -> dict:
    """The deadline a pause or a resume moved, for the history; nothing when it stayed."""
    return {} if before == after else {"deadline": deadline_data(before, after)}


def block_end(*, card: RequestCard, actor, now: datetime, why: str = "", resume=None) -> None:
    """End the card's block with its unblock event (the caller saves the card): on unblock,
    where the clock resumes in the status `resume`, and when a blocked card is lost (its move
    starts the next clock)."""
    reason = card.block_reason.slug if card.block_reason_id else ""
    blocked_seconds = int((now - card.blocked_at).total_seconds()) if card.blocked_at else 0
    card.is_blocked = False
    card.block_reason = None
    card.block_note = ""
    card.blocked_at = None
    before_due = card.due_at
    if resume is not None:
        sla_resume(card, resume, now)
    event_record(
        card=card,
        kind=EventKind.UNBLOCK,
        actor=actor,
        at=now,
        reason=reason,
        comment=(why or "").strip(),
        data={"blocked_seconds": blocked_seconds, **_deadline_moved(before_due, card.due_at)},
    ).save()
