"""Handoffs by stage (docs/design.md, "Handoffs by stage").

A status may name the group that executes it (`Status.stage_group`, a group granted a role in
the process). Entering such a status hands the card to that group: it waits unassigned in the
queue of the group's members ("waiting for pick-up"), or the status's rule assigns it to the
least loaded member. From then on only the group's members (and the accountable) move it on;
the previous responsible still reads it. The handoff is an event (from whom, to which group,
assigned to whom); taking a card from the queue is an assignment event marked `taken`.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from opmodel.errors import Forbidden
from processes.definition import Stage, process_definition
from processes.errors import CardConflict
from processes.models import Event, EventKind, RequestCard, StageAssignment, Status
from processes.services.cards import card_save, check_version
from processes.services.events import event_record
from roles.models import RoleKind
from roles.permissions import role_map


def card_stage(card: RequestCard) -> Stage | None:
    """The stage role executing the card's current status (None: an ordinary status)."""
    return process_definition(card.process).stages.get(card.status)


def waiting_for_pickup(card: RequestCard) -> bool:
    """Handed to a stage role and taken by nobody yet."""
    return card.responsible_id is None and card_stage(card) is not None


def may_take(user, card: RequestCard, stage: Stage | None = None) -> bool:
    stage = stage or card_stage(card)
    return stage is not None and role_map(user).in_group(card.process_id, stage.group_id)


def stage_unmet(actor, card: RequestCard) -> str | None:
    """Why `actor` may not move the card on from its stage status, or None. The stage group's
    members act there, and the accountable (who answers for the whole stream)."""
    stage = card_stage(card)
    if stage is None:
        return None
    roles = role_map(actor)
    if roles.in_group(card.process_id, stage.group_id):
        return None
    if RoleKind.ACCOUNTABLE in roles.kinds(card.process_id):
        return None
    return (
        f"At “{stage.status_name}” the card is with {stage.group_name}: only its members "
        f"(or the accountable) move it on from here."
    )


@dataclass(frozen=True)
class Handoff:
    stage: Stage
    previous: object  # the responsible before (a user or None)
    assigned: object  # who gets the card (None: it waits in the group's queue)


def least_loaded(*, process_id: int, group_id: int, final: frozenset[str]):
    """The active member of the group with the fewest open cards assigned in the process, ties
    by id (one query)."""
    open_here = Q(responsible_cards__process_id=process_id) & ~Q(
        responsible_cards__status__in=final
    )
    return (
        get_user_model()
        .objects.filter(groups__id=group_id, is_active=True)
        .annotate(load=Count("responsible_cards", filter=open_here))
        .order_by("load", "id")
        .first()
    )


def handoff_plan(card: RequestCard, target: Status) -> Handoff | None:
    """The handoff entering `target` makes (None: not a stage status). Sets the card's
    responsible; the caller saves the card and records `handoff_events`."""
    definition = process_definition(card.process)
    stage = definition.stages.get(target.slug)
    if stage is None:
        return None
    assigned = None
    if stage.assignment == StageAssignment.LEAST_LOADED:
        assigned = least_loaded(
            process_id=card.process_id, group_id=stage.group_id, final=definition.final
        )
    previous = card.responsible
    card.responsible = assigned
    return Handoff(stage=stage, previous=previous, assigned=assigned)


def _name(user) -> str:
    return user.get_username() if user is not None else ""


def handoff_events(*, card: RequestCard, handoff: Handoff, actor, at: datetime) -> list[Event]:
    """The handoff's event, and the assignment event when the responsible changed (the weekly
    figures read the responsible from assignments)."""
    previous, assigned = _name(handoff.previous), _name(handoff.assigned)
    events = [
        event_record(
            card=card,
            kind=EventKind.HANDOFF,
            actor=actor,
            at=at,
            data={
                "from": previous,
                "to": handoff.stage.group_name,
                "to_group_id": handoff.stage.group_id,
                "assigned": assigned,
                "rule": handoff.stage.assignment,
            },
        )
    ]
    if previous != assigned:
        events.append(
            event_record(
                card=card,
                kind=EventKind.ASSIGNMENT,
                actor=actor,
                at=at,
                data={"field": "responsible", "old": previous, "new": assigned, "handoff": True},
            )
        )
    return events


def card_take(
    *, actor, card: RequestCard, expected_version: int | None = None, at: datetime | None = None
) -> RequestCard:
    """The actor takes a card waiting for pick-up in their stage: it becomes theirs. Only the
    stage group's members take (Forbidden); a card taken already, or not waiting, is a conflict:
    of two takes at once one wins, the other gets CardConflict."""
    now = at or timezone.now()
    stage = card_stage(card)
    if stage is not None and not may_take(actor, card, stage):
        raise Forbidden(f"Only the members of {stage.group_name} take cards at this stage.")
    check_version(card, expected_version)
    if stage is None:
        raise CardConflict("This card is not waiting for pick-up: its status has no stage role.")
    if card.responsible_id is not None:
        raise CardConflict(
            f"{_name(card.responsible)} has taken this card already. Reload it to see it."
        )
    with transaction.atomic():
        card.responsible = actor
        card.updated_at = now
        card_save(card, fields=["responsible", "updated_at"])
        event_record(
            card=card,
            kind=EventKind.ASSIGNMENT,
            actor=actor,
            at=now,
            data={"field": "responsible", "old": "", "new": _name(actor), "taken": True},
        ).save()
    return card
