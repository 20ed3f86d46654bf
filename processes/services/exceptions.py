"""The exception route: from any card, ask for an exception no rule foresees (what is asked and
why, and what it is about). The request is an approval request without a rule (family
`ad-hoc`): the process's owner-level approver decides it in the same inbox, within
AD_HOC_DECISION_SLA_HOURS business hours, and the escalation scan tells the escalation role when
it is overdue, as for a rule's request (processes/services/approvals.py)."""

from datetime import datetime

from django.db import IntegrityError, transaction

from opmodel.errors import InvalidInput
from processes.calendars import working_time_for
from processes.errors import CardConflict
from processes.models import AD_HOC_FAMILY, ApprovalRequest, ApprovalStatus, EventKind, Status
from processes.models.approvals import AD_HOC_DECISION_SLA_HOURS, ExceptionReason
from processes.permissions import require_card_editor
from processes.services.approvals import approval_deciders_notify, approval_event

ASK_MAX = 200


def _check(ask: str, why: str, reason: str) -> None:
    errors = {}
    if not ask:
        errors["ask"] = ["Say what is asked."]
    elif len(ask) > ASK_MAX:
        errors["ask"] = [f"At most {ASK_MAX} characters: put the details in why."]
    if not why:
        errors["why"] = ["Say why: the approver decides on it."]
    if reason not in ExceptionReason.values:
        errors["reason"] = [f"Choose one of: {', '.join(ExceptionReason.values)}."]
    if errors:
        raise InvalidInput(errors)


def _waiting_text(request: ApprovalRequest) -> str:
    return (
        f"An exception is already waiting for a decision on this card: {request.ask}. "
        "Wait for it, or ask the approver."
    )


def exception_ask(
    *,
    actor,
    card,
    ask: str,
    why: str,
    reason: str = ExceptionReason.OTHER,
    now: datetime,
) -> ApprovalRequest:
    """Ask for an exception on the card: 403 for whoever may not edit its cards, 400 with field
    errors, 409 while another ad-hoc request of the card waits for a decision."""
    require_card_editor(actor, card.process_id, "ask for an exception on its cards")
    ask, why, reason = (ask or "").strip(), (why or "").strip(), reason or ExceptionReason.OTHER
    _check(ask, why, reason)
    if Status.objects.filter(process_id=card.process_id, slug=card.status, final=True).exists():
        raise InvalidInput({"ask": ["The card is finished: there is nothing left to except."]})
    waiting = ApprovalRequest.objects.filter(
        card=card, family=AD_HOC_FAMILY, status=ApprovalStatus.PENDING
    ).first()
    if waiting is not None:
        raise CardConflict(_waiting_text(waiting))
    request = ApprovalRequest(
        card=card,
        rule=None,
        family=AD_HOC_FAMILY,
        value="",
        ask=ask,
        why=why,
        reason=reason,
        requested_by=actor,
        requested_at=now,
        due_at=working_time_for(card.process).add(now, AD_HOC_DECISION_SLA_HOURS * 3600),
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                request.save()  # the partial unique index: one waiting per card
        except IntegrityError:
            raise CardConflict(
                "Someone asked for an exception on this card at the same moment. Reload it."
            ) from None
        approval_event(card, EventKind.APPROVAL_REQUESTED, actor, now, request).save()
        approval_deciders_notify(card=card, requests=[request], now=now)
    return request
