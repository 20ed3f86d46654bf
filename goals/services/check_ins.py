"""Check-ins on key results and the reminders of overdue ones: one function each, keyword-only,
one transaction, `now` passed in."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction

from goals.models import CheckIn, CheckInReminder, KeyResult
from goals.permissions import may_check_in
from goals.services import reminders
from notifications.services import notify
from opmodel.errors import Forbidden, InvalidInput
from opmodel.formatting import moment_text
from processes.calendars import process_calendar

logger = logging.getLogger(__name__)

DUPLICATE_CHECK_IN_WINDOW = timedelta(minutes=1)


def check_in_create(
    *, actor, key_result: KeyResult, confidence: int, comment: str, now: datetime
) -> CheckIn:
    goal = key_result.goal
    if not may_check_in(actor, goal, goal.processes.values_list("pk", flat=True)):
        owner = goal.owner.get_full_name() or goal.owner.get_username() if goal.owner else None
        raise Forbidden(
            f"Only the goal's owner, {owner}, checks in." if owner else "The goal has no owner."
        )
    errors = {}
    if confidence is None or not 0 <= confidence <= 10:
        errors["confidence"] = ["Confidence runs from 0 (no chance) to 10 (certain)."]
    if not (comment or "").strip():
        errors["comment"] = ["Say in a few words where it stands."]
    if errors:
        raise InvalidInput(errors)
    comment = comment.strip()
    with transaction.atomic():
        # One at a time per key result: the same check-in sent twice at once (a double click,
        # a client's retry) is written once, and the second answer is the first's row.
        KeyResult.objects.select_for_update().filter(pk=key_result.pk).first()
        same = (
            CheckIn.objects.filter(
                key_result=key_result,
                author=actor,
                confidence=confidence,
                comment=comment,
                created_at__gte=now - DUPLICATE_CHECK_IN_WINDOW,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if same is not None:
            return same
        return CheckIn.objects.create(
            key_result=key_result,
            author=actor,
            confidence=confidence,
            comment=comment,
            created_at=now,
        )


def checkins_overdue_notify(*, now: datetime) -> int:
    """Remind each goal owner of their key results whose check-in is overdue: once per overdue
    spell (a unique key per key result and due instant), so a scan run twice, or two at once,
    reminds once. Returns how many reminders this call sent."""
    working_times = reminders.WorkingTimes()
    overdue = []
    for kr in reminders.key_results_to_check_in(today=now.date()):
        if kr.goal.owner_id is None or not kr.goal.owner.is_active:
            continue
        due = reminders.check_in_due(
            key_result=kr, last_check_in=kr.last_check_in, working_times=working_times
        )
        if due is not None and due <= now:
            overdue.append((kr, due))
    if not overdue:
        return 0
    with transaction.atomic():
        CheckInReminder.objects.bulk_create(
            [
                CheckInReminder(key_result=kr, user_id=kr.goal.owner_id, due_at=due, created_at=now)
                for kr, due in overdue
            ],
            ignore_conflicts=True,
        )
        ids = {kr.pk for kr, _ in overdue}
        claimed = reminders.reminders_claim(key_result_ids=ids, now=now)
        sent = set(
            CheckInReminder.objects.filter(pk__in=claimed).values_list("key_result_id", "due_at")
        )
        for kr, due in overdue:
            if (kr.pk, due) in sent:
                zone = process_calendar(kr.process).timezone
                _notify_owner(
                    user=kr.goal.owner,
                    text=(
                        f"Check-in overdue: {kr.label} (goal “{kr.goal.title}”), "
                        f"due {moment_text(due, zone)}"
                    ),
                    url=f"/goals/{kr.goal_id}/#kr-{kr.pk}",
                    key=f"check-in-reminder:{kr.pk}:{due.isoformat()}",
                    zone=zone,
                    now=now,
                )
    return len(sent)


def _notify_owner(*, user, text: str, url: str, key: str, zone: str, now: datetime) -> None:
    """The one way goals tell a person something: in the app and, unless they turned it off,
    by e-mail through the notifications app (sent by a worker after the commit). The key makes
    a reminder reach its owner once, beside the CheckInReminder claim."""
    notify(users=[user], kind="check_in", text=text, url=url, key=key, zone=zone, now=now)
