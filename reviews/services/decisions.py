"""Decisions: make, done, drop, and the overdue scan. One function per action, keyword-only,
one transaction, `now` passed in. The owner hears of a decision once when it is made and once
when it falls overdue (notification keys unique per decision)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse

from goals.models import KeyResult
from metrics.catalogue import METRICS
from notifications.services import Message, notifications_acted, notify, notify_many
from opmodel.errors import Conflict, Forbidden, InvalidInput
from opmodel.formatting import day_text, person_text
from processes.definition import process_zone_name
from processes.models import DefinitionVersion, ExceptionRule, SLAPolicy, Status, Transition
from reviews.definitions import Changes, DecisionState, Expected, RuleKind
from reviews.models import Decision, Review
from reviews.permissions import may_close_decision, may_run
from reviews.services.reviews import _facilitator_kind, local_today
from roles.models import InformedEvent, ProcessRole, RoleKind
from roles.permissions import role_map
from roles.selectors import role_holders

RULE_MODELS = {
    RuleKind.SLA_POLICY: (SLAPolicy, "process_id"),
    RuleKind.EXCEPTION_RULE: (ExceptionRule, "process_id"),
    RuleKind.ROLE_GRANT: (ProcessRole, "process_id"),
    RuleKind.STATUS: (Status, "process_id"),
    RuleKind.TRANSITION: (Transition, "process_id"),
}


OWNER_WITHOUT_ROLE = "The owner must be a user who holds a role in the process."


def _check(*, review, text, owner, due_on, changes, rule_kind, rule_id, metric, key_result,
           expected) -> None:  # fmt: skip
    errors: dict[str, list[str]] = {}
    if not (text or "").strip():
        errors["text"] = ["Say what is to be done."]
    if owner is None:
        errors["owner"] = ["Name an owner."]
    elif not role_map(owner).may_see_process(review.process_id):
        errors["owner"] = [OWNER_WITHOUT_ROLE]
    if due_on is None:
        errors["due_on"] = ["Give a due date."]
    elif due_on < review.held_on:
        errors["due_on"] = ["The due date cannot be before the review."]
    if changes not in Changes.values:
        errors["changes"] = [f"Choose one of: {', '.join(Changes.values)}."]
    if changes == Changes.RULE:
        if rule_kind not in RuleKind.values:
            errors["rule_kind"] = [f"Which rule: one of {', '.join(RuleKind.values)}."]
        elif rule_id is not None:
            model, field = RULE_MODELS[rule_kind]
            if not model.objects.filter(pk=rule_id, **{field: review.process_id}).exists():
                errors["rule_id"] = [f"No such {RuleKind(rule_kind).label} in this process."]
    elif rule_kind or rule_id:
        errors["rule_kind"] = ["Only a decision that changes a rule names one."]
    if metric and metric not in METRICS:
        errors["metric"] = [f"No metric “{metric[:50]}” in the catalogue."]
    if key_result is not None and key_result.process_id != review.process_id:
        errors["key_result"] = ["The key result follows another process."]
    if expected and expected not in Expected.values:
        errors["expected"] = ["Expected is up or down."]
    if (metric or key_result) and not expected:
        errors["expected"] = ["Say which way the metric should move."]
    if expected and not (metric or key_result):
        errors["metric"] = ["Name the metric or key result it should move."]
    if errors:
        raise InvalidInput(errors)


def decision_make(
    *,
    actor,
    review: Review,
    text: str,
    owner,
    due_on: date | None,
    changes: str = Changes.ACTION,
    rule_kind: str = "",
    rule_id: int | None = None,
    metric: str = "",
    key_result: KeyResult | None = None,
    expected: str = "",
    item_key: str = "",
    now: datetime,
) -> Decision:
    if not may_run(actor, review.process_id, _facilitator_kind(review)):
        raise Forbidden("Only the process's accountable role or the facilitator decides.")
    if review.is_closed:
        raise Conflict("This review is closed: decisions are recorded while it is open.")
    _check(review=review, text=text, owner=owner, due_on=due_on, changes=changes,
           rule_kind=rule_kind, rule_id=rule_id, metric=metric, key_result=key_result,
           expected=expected)  # fmt: skip
    with transaction.atomic():
        decision = Decision.objects.create(
            review=review,
            process_id=review.process_id,
            text=text.strip(),
            owner=owner,
            due_on=due_on,
            changes=changes,
            rule_kind=rule_kind if changes == Changes.RULE else "",
            rule_id=rule_id if changes == Changes.RULE else None,
            metric=metric,
            key_result=key_result,
            expected=expected,
            item_key=(item_key or "")[:100],
            made_by=actor,
            made_at=now,
        )
        notify(
            users=[owner],
            kind="decision",
            text=f"Decision for you, due {day_text(due_on)}: {decision.text}",
            url=reverse("decision-list"),
            subject=f"decision:{decision.pk}",
            key=f"decision-made:{decision.pk}",
            # It stays in the owner's inbox, whatever follows, until it is done or dropped.
            asks_action=True,
            zone=process_zone_name(review.process),
            now=now,
        )
        holders = role_holders(process_ids={review.process_id}, kinds={RoleKind.INFORMED})
        told = holders.informed(review.process_id, InformedEvent.DECISION_MADE)
        told -= {owner.pk, actor.pk}
        if told:
            notify(
                users=told,
                kind="informed",
                text=f"Decided, for {person_text(owner)} by {day_text(due_on)}: {decision.text}",
                url=reverse("decision-list"),
                subject=f"decision:{decision.pk}",
                key=f"decision-informed:{decision.pk}",
                informational=True,
                zone=process_zone_name(review.process),
                now=now,
            )
    return decision


def _close(*, actor, decision: Decision, state: str, now: datetime, **fields) -> Decision:
    if not may_close_decision(actor, decision):
        raise Forbidden("Only the decision's owner closes it.")
    closed_on = local_today(decision.process, now)
    with transaction.atomic():
        updated = Decision.objects.filter(pk=decision.pk, state=DecisionState.OPEN).update(
            state=state, closed_at=now, closed_on=closed_on, **fields
        )
        if not updated:
            raise Conflict("This decision was closed meanwhile. Reload it.")
        decision.refresh_from_db()
        notifications_acted(keys=[f"decision-made:{decision.pk}"], now=now)
        if decision.made_by_id and decision.made_by_id != actor.pk:
            # Whoever asked for it hears how it ended (news only: nothing left to do).
            ended = "Done" if state == DecisionState.DONE else "Dropped"
            why = decision.note if state == DecisionState.DONE else decision.reason
            notify(
                users=[decision.made_by_id],
                kind="decision",
                text=f"{ended} by {person_text(actor)}: {decision.text.rstrip('.')}. {why}",
                url=reverse("decision-list"),
                subject=f"decision:{decision.pk}",
                key=f"decision-{state}:{decision.pk}",
                informational=True,
                zone=process_zone_name(decision.process),
                now=now,
            )
    return decision


NO_VERSION = "Link the rule version that carried it out, or say why there is none."


def decision_done(
    *,
    actor,
    decision: Decision,
    note: str,
    now: datetime,
    version_number: int | None = None,
    no_version_reason: str = "",
) -> Decision:
    """Mark done. A decision that changes a rule links the version of the process's definition
    that carried it out, by its number (its "did it work?" then reads the weeks around that
    version), or says why there is none."""
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = ["Say what was done."]
    reason = (no_version_reason or "").strip()
    version = None
    if version_number is not None:
        version = DefinitionVersion.objects.filter(
            process_id=decision.process_id, number=version_number
        ).first()
    if version_number is not None and version is None:
        errors["version_number"] = [f"The process has no version {version_number}."]
    elif version is not None and reason:
        errors["no_version_reason"] = ["Link a version or give a reason, not both."]
    elif decision.changes == Changes.RULE and version is None and not reason:
        errors["version_number"] = [NO_VERSION]
    elif decision.changes != Changes.RULE and version is not None:
        errors["version_number"] = ["Only a decision that changes a rule links a version."]
    if errors:
        raise InvalidInput(errors)
    return _close(actor=actor, decision=decision, state=DecisionState.DONE, note=note.strip(),
                  version=version, no_version_reason=reason, now=now)  # fmt: skip


def decision_drop(*, actor, decision: Decision, reason: str, now: datetime) -> Decision:
    if not (reason or "").strip():
        raise InvalidInput({"reason": ["Say why it is dropped."]})
    return _close(actor=actor, decision=decision, state=DecisionState.DROPPED,
                  reason=reason.strip(), now=now)  # fmt: skip


def decisions_overdue_notify(*, now: datetime) -> int:
    """Tell each owner once that an open decision is past its due date. The conditional
    UPDATE claims the decision (of two scans, one tells); the notification key is unique per
    decision too. Candidates: due before the latest date anywhere (UTC+14), refined by each
    process calendar's own today below."""
    candidates = list(
        Decision.objects.filter(
            state=DecisionState.OPEN,
            overdue_notified_at__isnull=True,
            due_on__lt=(now + timedelta(hours=14)).date(),
        ).select_related("process__calendar")
    )
    due = [d for d in candidates if d.is_overdue_on(local_today(d.process, now))]
    if not due:
        return 0
    with transaction.atomic():
        # One conditional UPDATE per decision is the claim: of two scans at once, one wins
        # each row (overdue decisions are few; the notification key guards the rest).
        claimed = {
            d.pk
            for d in due
            if Decision.objects.filter(pk=d.pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            )
        }
        notify_many(
            messages=[
                Message(
                    user_ids={d.owner_id},
                    kind="decision",
                    text=f"Overdue since {day_text(d.due_on)}: {d.text}",
                    url=reverse("decision-list"),
                    subject=f"decision:{d.pk}",
                    key=f"decision-overdue:{d.pk}",
                    zone=process_zone_name(d.process),
                )
                for d in due
                if d.pk in claimed
            ],
            now=now,
        )
    return len(claimed)
