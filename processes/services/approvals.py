"""Approval requests: made when a card meets an exception rule, decided by approvers, escalated
when undecided past their decision SLA (docs/design.md, "Vocabulary": Exception)."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import Message, notifications_acted, notify_many
from opmodel.claims import claim
from opmodel.errors import Forbidden, InvalidInput
from opmodel.formatting import moment_text
from processes.calendars import working_time_for
from processes.definition import process_zone_name
from processes.errors import CardConflict
from processes.models import (
    AD_HOC_FAMILY,
    CURRENT_STATUSES,
    ApprovalRequest,
    ApprovalStatus,
    Event,
    EventKind,
    ExceptionRule,
    RequestCard,
    Status,
)
from processes.models.approvals import choice_label
from processes.services.events import event_record
from roles.models import InformedEvent, RoleKind
from roles.permissions import role_map
from roles.selectors import role_holders


def _person(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def _needed(rules, card) -> dict[str, ExceptionRule]:
    """Per family, the highest-level active rule whose condition the card meets."""
    needed: dict[str, ExceptionRule] = {}
    for rule in rules:
        if rule.is_active and rule.matches(card):
            best = needed.get(rule.family)
            if best is None or rule.level > best.level:
                needed[rule.family] = rule
    return needed


def _covered(request: ApprovalRequest, rule: ExceptionRule, card) -> bool:
    """An approval stands while the card needs no higher level and its value is no worse."""
    return (
        request.status == ApprovalStatus.APPROVED
        and request.rule.level >= rule.level
        and request.rule.covers(request.value, rule.value_of(card))
    )


def _unchanged(request: ApprovalRequest, rule: ExceptionRule, card) -> bool:
    return request.rule_id == rule.pk and request.value == rule.text_of(card)


def approval_event(card, kind, actor, now, request: ApprovalRequest, **extra) -> Event:
    data = {
        "request": request.pk,
        "rule": request.name,
        "family": request.family,
        "level": request.level,
        "field": request.rule.field if request.rule else "",
        "value": request.value_text,
        **extra.pop("data", {}),
    }
    if request.is_ad_hoc:
        data.update(why=request.why, exception_reason=request.reason)
    return event_record(card=card, kind=kind, actor=actor, at=now, data=data, **extra)


def approval_requests_sync(*, card: RequestCard, actor, now: datetime) -> list[ApprovalRequest]:
    """Bring the card's approval requests in line with its data; returns the requests made.

    Call inside the transaction of the change. Per rule family: a card that no longer meets any
    rule withdraws its request; one that needs a request it lacks gets one, for the highest
    level it meets, and the approvers are told; a pending or rejected request whose value
    changed, or an approval the card outgrew, is superseded by a new request. Two queries when
    nothing changes.
    """
    rules = list(
        ExceptionRule.objects.filter(process_id=card.process_id, is_active=True).select_related(
            "guards"
        )
    )
    current = {
        r.family: r
        for r in ApprovalRequest.objects.filter(card=card, status__in=CURRENT_STATUSES)
        .exclude(family=AD_HOC_FAMILY)
        .select_related("rule")
    }
    if not rules and not current:
        return []
    needed = _needed(rules, card)
    if (
        needed
        and Status.objects.filter(process_id=card.process_id, slug=card.status, final=True).exists()
    ):
        return []  # a finished card asks nobody: its undecided requests closed when it finished
    events, closing, made = [], [], []
    for family in sorted(set(needed) | set(current)):
        rule, request = needed.get(family), current.get(family)
        if request is not None:
            if rule is not None and (
                _covered(request, rule, card)
                or (request.status != ApprovalStatus.APPROVED and _unchanged(request, rule, card))
            ):
                continue
            why = "no longer needed" if rule is None else "the card changed"
            closed = ApprovalStatus.WITHDRAWN if rule is None else ApprovalStatus.SUPERSEDED
            closing.append((request, closed))
            events.append(
                approval_event(card, EventKind.APPROVAL_WITHDRAWN, actor, now, request, reason=why)
            )
        if rule is not None:
            made.append(
                ApprovalRequest(
                    card=card,
                    rule=rule,
                    family=family,
                    value=rule.text_of(card),
                    requested_by=actor,
                    requested_at=now,
                    due_at=working_time_for(card.process).add(now, rule.decision_sla_hours * 3600),
                )
            )
    for request, status in closing:
        # Whatever a concurrent decision did meanwhile, the card changed: the request closes.
        ApprovalRequest.objects.filter(pk=request.pk, status__in=CURRENT_STATUSES).update(
            status=status, closed_at=now
        )
    if closing:
        notifications_acted(keys=_asking_keys(r for r, _ in closing), now=now)
    for request in made:
        request.save()
        events.append(approval_event(card, EventKind.APPROVAL_REQUESTED, actor, now, request))
    Event.objects.bulk_create(events)
    if made:
        approval_deciders_notify(card=card, requests=made, now=now)
    return made


def approval_requests_withdraw(*, card: RequestCard, actor, now: datetime, why: str) -> int:
    """Withdraw the card's undecided requests (pending or rejected), e.g. when it finishes:
    nobody needs to decide them any more, and they must not escalate."""
    open_requests = list(
        ApprovalRequest.objects.filter(
            card=card, status__in=[ApprovalStatus.PENDING, ApprovalStatus.REJECTED]
        ).select_related("rule")
    )
    if not open_requests:
        return 0
    ApprovalRequest.objects.filter(
        pk__in=[r.pk for r in open_requests],
        status__in=[ApprovalStatus.PENDING, ApprovalStatus.REJECTED],
    ).update(status=ApprovalStatus.WITHDRAWN, closed_at=now)
    notifications_acted(keys=_asking_keys(open_requests), now=now)
    Event.objects.bulk_create(
        approval_event(card, EventKind.APPROVAL_WITHDRAWN, actor, now, r, reason=why)
        for r in open_requests
    )
    return len(open_requests)


def approval_unmet(
    *, card: RequestCard, transition_id: int, rules=None, requests=None, missing=None
) -> list[str]:
    """Why the exceptions of the card refuse the transition, in words ([] when none do).

    `rules` (the process's) and `requests` (the card's, with their rule and decider) may be
    passed in already loaded, as the card page does; otherwise two queries at most. Rules met
    with no request at all (a rule added after the card last changed) are appended to `missing`.
    """
    if rules is None:
        rules = list(ExceptionRule.objects.filter(process_id=card.process_id, is_active=True))
    needed = [r for r in _needed(rules, card).values() if r.guards_id == transition_id]
    if not needed:
        return []
    if requests is None:
        requests = (
            ApprovalRequest.objects.filter(card=card, status__in=CURRENT_STATUSES)
            .exclude(family=AD_HOC_FAMILY)
            .select_related("rule", "decided_by")
        )
    current = {r.family: r for r in requests if r.status in CURRENT_STATUSES and not r.is_ad_hoc}
    unmet = []
    for rule in sorted(needed, key=lambda r: (r.family, r.level)):
        request = current.get(rule.family)
        if request is not None and _covered(request, rule, card):
            continue
        shown = request.value_text if request else choice_label(rule.field, rule.text_of(card))
        what = f"{rule.name} ({shown})"
        if request is None or request.status == ApprovalStatus.APPROVED:
            unmet.append(
                f"Approval needed: {what} has no request yet; trying the move asks "
                f"{rule.approver_text}."
            )
            if missing is not None:
                missing.append(rule)
        elif request.status == ApprovalStatus.PENDING:
            unmet.append(f"Approval needed: {what} is waiting for {rule.approver_text}.")
        else:
            unmet.append(
                f"Approval rejected: {what} was rejected by {_person(request.decided_by)}: "
                f"{request.comment} Change the card to ask again."
            )
    return unmet


def approval_decide(
    *,
    actor,
    approval: ApprovalRequest,
    approve: bool,
    comment: str = "",
    at: datetime | None = None,
) -> ApprovalRequest:
    """Approve or reject a pending request. Of two deciders at once, one wins; the other (and
    anyone deciding a request no longer pending) gets CardConflict."""
    now = at or timezone.now()
    card = approval.card
    if approval.requested_by_id is not None and approval.requested_by_id == actor.pk:
        raise Forbidden(
            "You made the change that raised this request: someone else must decide it."
        )
    if not role_map(actor).may_decide(card.process_id, approval.approver_kind, approval.authority):
        raise Forbidden(f"Only {approval.approver_text} of this process may decide this.")
    comment = (comment or "").strip()
    if not approve and not comment:
        raise InvalidInput({"comment": ["Say why: a rejection needs a comment."]})
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    with transaction.atomic():
        # The claim: only the decision whose UPDATE finds the request still pending stands.
        won = ApprovalRequest.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING).update(
            status=status, decided_by=actor, decided_at=now, comment=comment
        )
        # Only the decision's own columns: the cached rule stays for the event below.
        approval.refresh_from_db(fields=["status", "decided_by", "decided_at", "comment"])
        if not won:
            raise CardConflict(_no_longer_pending(approval))
        approval_event(
            card,
            EventKind.APPROVAL_DECIDED,
            actor,
            now,
            approval,
            comment=comment,
            reason=status,
            data={"decision": status},
        ).save()
        notifications_acted(keys=_asking_keys([approval]), now=now)
        verb = "Approved" if approve else "Rejected"
        text = f"{verb}: #{card.pk} {card.title}: {approval.name} ({approval.value_text})"
        informed = role_holders(process_ids={card.process_id}, kinds={RoleKind.INFORMED})
        told = informed.informed(card.process_id, InformedEvent.APPROVAL_DECIDED)
        told |= {approval.requested_by_id} if approval.requested_by_id else set()
        told.discard(actor.pk)
        notify_many(messages=[approval_message(card, text, told, approval, "decided")], now=now)
    return approval


def _no_longer_pending(approval: ApprovalRequest) -> str:
    if approval.status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        return (
            f"This request was already {approval.get_status_display().lower()} by "
            f"{_person(approval.decided_by)}. Reload to see it."
        )
    return "The card changed and this request was withdrawn. Reload to see the current one."


def approvals_escalate(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Escalate pending requests past their decision SLA, each once; returns how many.

    A conditional UPDATE claims them (like the alert scan): of two scans at once only one sees
    a row change, so the escalation role hears once.
    """
    now = now or timezone.now()
    due = ApprovalRequest.objects.filter(
        status=ApprovalStatus.PENDING, escalated_at__isnull=True, due_at__lte=now
    ).order_by("id")
    escalated = 0
    while True:
        with transaction.atomic():
            ids = claim(due[:batch_size], stamp="escalated_at", at=now)
            if not ids:
                return escalated
            requests = list(
                ApprovalRequest.objects.filter(pk__in=ids).select_related(
                    "rule", "card__process__calendar", "requested_by"
                )
            )
            Event.objects.bulk_create(
                approval_event(r.card, EventKind.APPROVAL_ESCALATED, None, now, r) for r in requests
            )
            holders = role_holders(
                process_ids={r.card.process_id for r in requests}, kinds={RoleKind.ESCALATION}
            )
            messages = [
                approval_message(
                    r.card,
                    f"Overdue approval: #{r.card.pk} {r.card.title}: {r.name} "
                    f"({r.value_text}) waits for {r.approver_text} since "
                    f"{moment_text(r.requested_at, process_zone_name(r.card.process))}.",
                    holders.users(r.card.process_id, RoleKind.ESCALATION),
                    r,
                    "escalated",
                )
                for r in requests
            ]
            notify_many(messages=messages, now=now)
        escalated += len(ids)
        if len(ids) < batch_size:
            return escalated


def approval_deciders_notify(*, card: RequestCard, requests: list[ApprovalRequest], now) -> None:
    """Tell whoever may decide each new request, except its requester."""
    holders = role_holders(process_ids={card.process_id}, kinds={r.approver_kind for r in requests})
    messages = []
    for request in requests:
        ids = holders.users(card.process_id, request.approver_kind, request.authority)
        ids.discard(request.requested_by_id)
        text = (
            f"Approval needed: #{card.pk} {card.title}: {request.name} ({request.value_text}), "
            f"asked by {_person(request.requested_by)}."
        )
        messages.append(approval_message(card, text, ids, request, "requested"))
    notify_many(messages=messages, now=now)


def _asking_keys(requests) -> list[str]:
    """The keys of the notifications that asked for these requests to be decided."""
    return [f"approval:{r.pk}:requested" for r in requests]


def approval_message(card, text: str, user_ids, request: ApprovalRequest, step: str) -> Message:
    """News of a request's step (requested, decided, escalated), once per user and step: the
    request asks its deciders to act until it is decided or withdrawn; the decision is news
    for its requester only."""
    return Message(
        user_ids=user_ids,
        kind="approval",
        text=text,
        url=reverse("card-detail", args=[card.pk]),
        subject=f"card:{card.pk}",
        key=f"approval:{request.pk}:{step}",
        data={"card": card.pk, "card_title": card.title},
        asks_action=step == "requested",
        informational=step == "decided",
        zone=process_zone_name(card.process),
    )
