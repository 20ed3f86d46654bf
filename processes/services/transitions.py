from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import notifications_resolving, notify
from opmodel.combined_writes import bulk_create_with_update
from opmodel.errors import Forbidden
from opmodel.formatting import person_text
from processes.conditions import unmet_conditions
from processes.definition import process_definition, process_zone_name
from processes.effects import effects_run
from processes.errors import TransitionRefused
from processes.models import (
    EventKind,
    ExceptionRule,
    RequestCard,
    SLAState,
    Status,
    StatusOutcome,
    Transition,
)
from processes.services.approvals import (
    approval_requests_sync,
    approval_requests_withdraw,
    approval_unmet,
)
from processes.services.blocks import block_end
from processes.services.cards import card_save, check_version, deadline_data
from processes.services.events import event_record
from processes.services.handoffs import handoff_events, handoff_plan, stage_unmet
from processes.sla import SLA_FIELDS, sla_enter_status, sla_state
from roles.models import InformedEvent, RoleKind
from roles.permissions import role_map
from roles.selectors import role_holders


@dataclass(frozen=True)
class TransitionOption:
    name: str
    label: str
    target: str
    target_name: str
    allowed: bool
    unmet: list[str]
    needs_lost_reason: bool


def _roles_text(kinds) -> str:
    labels = [RoleKind(k).label.lower() for k in kinds if k in RoleKind.values]
    return " or ".join(labels) or "no role"


def _definition_for(card: RequestCard, name: str) -> Transition:
    definition = process_definition(card.process).transitions.get(name)
    if definition is None:
        raise TransitionRefused(
            f"There is no transition {name!r} in this process.",
            [f"Unknown transition {name!r}."],
        )
    return definition


def _sla_outcome(card: RequestCard, now: datetime) -> dict | None:
    """How the visit that this move ends did against its SLA (None: the status had none); the
    weekly metrics count breaches and the on-time share from these."""
    if card.sla_allowance is None:
        return None
    return {
        "due_at": card.due_at.isoformat() if card.due_at else None,
        "breached": sla_state(card, now) == SLAState.BREACHED,
    }


def _blocked_unmet(card: RequestCard, definition: Transition) -> list[str]:
    """While blocked a card waits: it may only be lost (which ends the block), not moved on."""
    if card.is_blocked and definition.target.outcome != StatusOutcome.LOST:
        return [
            f"The card is blocked ({card.block_reason}): unblock it before moving it on; "
            f"only a move to a lost status ends a block."
        ]
    return []


def card_transition(
    *,
    actor,
    card: RequestCard,
    name: str,
    comment: str = "",
    lost_reason: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> RequestCard:
    """Move the card by the named transition, or refuse with every reason in words.

    Writes the new status and exactly one event in one transaction. A version the caller saw
    that is no longer current, or a concurrent move that won, gives CardConflict.
    """
    now = at or timezone.now()
    definition = _definition_for(card, name)

    if not role_map(actor).may_act(card.process_id, definition.allowed_roles):
        raise Forbidden(
            f"Only the {_roles_text(definition.allowed_roles)} of this process may "
            f"{definition.label.lower()} a card."
        )
    at_stage = stage_unmet(actor, card)
    if at_stage:
        raise Forbidden(at_stage)
    check_version(card, expected_version)
    process = process_definition(card.process)
    if card.status not in process.sources[definition.name]:
        # People read the status's name; a refusal is rare, so its one query is no cost.
        named = (
            Status.objects.filter(process_id=card.process_id, slug=card.status)
            .values_list("name", flat=True)
            .first()
            or card.status
        )
        raise TransitionRefused(
            f"{definition.label} is not possible from the status “{named}”.",
            [f"The card must be in one of the statuses this move starts from; it is in “{named}”."],
        )
    unmet = _blocked_unmet(card, definition)
    unmet += unmet_conditions(card, definition.conditions, lost_reason=lost_reason)
    missing = []
    unmet += approval_unmet(
        card=card, transition_id=definition.pk, rules=process.exception_rules, missing=missing
    )
    if missing:
        # A rule added since the card last changed: the refused move is what asks for approval.
        with transaction.atomic():
            approval_requests_sync(card=card, actor=actor, now=now)
    if unmet:
        raise TransitionRefused(f"{definition.label} is refused: " + " ".join(unmet), unmet)

    from_status = card.status
    sla = _sla_outcome(card, now)
    before_due = card.due_at
    with transaction.atomic():
        if card.is_blocked:  # lost while blocked: the block ends with the card
            block_end(card=card, actor=actor, now=now, why=f"{definition.target.name}.")
        card.apply_transition(definition)
        card.status_changed_at = now
        card.updated_at = now
        sla_enter_status(card, definition.target, now)
        fields = ["status", "status_changed_at", "updated_at", *SLA_FIELDS]
        handoff = handoff_plan(card, definition.target)
        if handoff is not None:
            fields.append("responsible")
        fields += ["is_blocked", "block_reason", "block_note", "blocked_at"]
        if "has_lost_reason" in definition.conditions:
            card.lost_reason = lost_reason.strip()
            fields.append("lost_reason")
        card_save(card, fields=fields)
        events = [
            event_record(
                card=card,
                kind=EventKind.TRANSITION,
                actor=actor,
                at=now,
                from_status=from_status,
                transition=definition.name,
                comment=comment or "",
                reason=card.lost_reason if "has_lost_reason" in definition.conditions else "",
                # How the visit it ends did, and the deadline of the visit it starts.
                data={"sla": sla, "deadline": deadline_data(before_due, card.due_at)},
            )
        ]
        if handoff is not None:
            events += handoff_events(card=card, handoff=handoff, actor=actor, at=now)
        # The card's "at risk" alerts of the status it left are marked read in the statement
        # that inserts the move and its handoff (ids in this order, the history's order): one
        # round trip. It runs after the card's UPDATE, which holds the card's row: a deadline
        # scan that raised an alert and claimed this card committed before that lock was
        # granted, so this statement's snapshot sees its alert (one statement with the card's
        # UPDATE would not: its snapshot is older than the lock it waits for).
        cleared, read = notifications_resolving(
            subject=f"card:{card.pk}", data={"clears_on_move": True}, now=now
        )
        bulk_create_with_update(events, rows=cleared, values=read)
        if definition.target.outcome == StatusOutcome.LOST:
            _lost_tell_informed(card=card, actor=actor, status=definition.target, now=now)
        effects_run(
            card=card,
            names=definition.effects,
            actor=actor,
            now=now,
            transition=definition.name,
        )
        if definition.target.final:
            approval_requests_withdraw(
                card=card, actor=actor, now=now, why=f"the card is {definition.target.name}"
            )
    return card


def _lost_tell_informed(*, card: RequestCard, actor, status, now: datetime) -> None:
    """The informed grants that name lost cards hear of it (news: nothing to do)."""
    holders = role_holders(process_ids={card.process_id}, kinds={RoleKind.INFORMED})
    told = holders.informed(card.process_id, InformedEvent.CARD_LOST) - {actor.pk}
    if told:
        why = f": {card.lost_reason}" if card.lost_reason else ""
        notify(
            users=told,
            kind="informed",
            text=f"{status.name}: #{card.pk} {card.title}, by {person_text(actor)}{why}",
            url=reverse("card-detail", args=[card.pk]),
            subject=f"card:{card.pk}",
            key=f"card-lost:{card.pk}:{card.version}",
            data={"card": card.pk, "card_title": card.title},
            informational=True,
            zone=process_zone_name(card.process),
            now=now,
        )


def card_transition_options(
    *, user, card: RequestCard, definitions=None, rules=None, requests=None
) -> list[TransitionOption]:
    """The moves that start from the card's current status, each allowed or with its reasons.

    `definitions` (with `sources` and `target`), the process's exception `rules` and the
    card's approval `requests` may be passed in already loaded to keep the page's query count
    fixed.
    """
    if definitions is None:
        definitions = (
            Transition.objects.filter(process_id=card.process_id)
            .select_related("target")
            .prefetch_related("sources")
        )
    kinds = role_map(user).kinds(card.process_id)
    at_stage = stage_unmet(user, card)
    options = []
    for definition in definitions:
        if card.status not in {s.slug for s in definition.sources.all()}:
            continue
        unmet = _blocked_unmet(card, definition)
        if not kinds & set(definition.allowed_roles):
            unmet.append(f"Only the {_roles_text(definition.allowed_roles)} may do this.")
        elif at_stage:
            unmet.append(at_stage)
        # The lost reason is typed with the move itself, so it is not a blocker here.
        conditions = [c for c in definition.conditions if c != "has_lost_reason"]
        unmet += unmet_conditions(card, conditions)
        if rules is None:
            rules = list(ExceptionRule.objects.filter(process_id=card.process_id, is_active=True))
        unmet += approval_unmet(
            card=card, transition_id=definition.pk, rules=rules, requests=requests
        )
        options.append(
            TransitionOption(
                name=definition.name,
                label=definition.label,
                target=definition.target.slug,
                target_name=definition.target.name,
                allowed=not unmet,
                unmet=unmet,
                needs_lost_reason="has_lost_reason" in definition.conditions,
            )
        )
    return options
