"""Actions on goals, key results and check-ins: one function each, keyword-only, one
transaction, `now` passed in. They check who may (goals.permissions) and what is valid, and
raise the opmodel.errors family (InvalidInput: 400 with field errors; Forbidden: 403).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import connection, transaction

from goals.definitions import (
    FIRST_GOAL_DAY,
    LAST_GOAL_DAY,
    MAX_ACTIVE_GOALS,
    MAX_PERIOD_DAYS,
    Cadence,
    GoalState,
    KeyResultKind,
    baseline_weeks,
    week_days,
)
from goals.models import Goal, KeyResult, KeyResultWeek
from goals.permissions import (
    holds_a_role_in_any,
    is_accountable,
    may_create_goals,
    may_edit_goal,
)
from goals.services import history
from goals.services.tree import goal_parent_check, goal_tree_lock
from metrics.catalogue import METRICS, dimension_values
from opmodel.errors import Forbidden, InvalidInput
from roles.permissions import role_map

logger = logging.getLogger(__name__)

GOAL_FIELDS = {
    "title", "why", "owner", "starts_on", "ends_on", "cadence", "processes", "state", "parent"
}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Goals


def _check_goal(*, title, starts_on, ends_on, cadence, state) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = ["Give the goal a title."]
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day and not FIRST_GOAL_DAY <= day <= LAST_GOAL_DAY:
            errors[field] = [
                f"Choose a date from {FIRST_GOAL_DAY.isoformat()} to {LAST_GOAL_DAY.isoformat()}."
            ]
    dated = starts_on and ends_on and not {"starts_on", "ends_on"} & set(errors)
    if dated and ends_on <= starts_on:
        errors["ends_on"] = ["The period must end after it starts."]
    elif dated and (ends_on - starts_on).days > MAX_PERIOD_DAYS:
        errors["ends_on"] = [
            f"A goal's period is at most {MAX_PERIOD_DAYS} days (two years): set a nearer end."
        ]
    if cadence and cadence not in Cadence.values:
        errors["cadence"] = [f"Choose one of: {', '.join(Cadence.values)}."]
    if state not in GoalState.values:
        errors["state"] = [f"Choose one of: {', '.join(GoalState.values)}."]
    if errors:
        raise InvalidInput(errors)


def _check_owner(*, owner, processes) -> None:
    """The owner holds a role in one of the goal's processes; a goal of no process (a company
    goal, goals/selectors/tree.py) in any process."""
    if owner is None:
        return
    process_ids = [p.pk for p in processes] or list(role_map(owner).process_ids())
    if not holds_a_role_in_any(owner, process_ids):
        raise InvalidInput(
            {"owner": ["The owner must hold a role in one of the goal's processes."]}
        )


def _check_active_limit(*, goal_id: int | None, starts_on: date, ends_on: date) -> None:
    """Refuse a company goal (top-level) active on a day when MAX_ACTIVE_GOALS others already
    are: the "3-5 management goals"; the sub-goals that serve them do not count."""
    if connection.vendor == "postgresql":
        # Two goals activated at once would each count the other's absence; one at a time.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('opmodel.goals.active'))")
    others = (
        Goal.objects.filter(
            state=GoalState.ACTIVE,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
            parent__isnull=True,
        )
        .exclude(pk=goal_id)
        .values_list("starts_on", "ends_on")
    )
    changes: dict[date, int] = defaultdict(int)
    for first, last in others:
        changes[max(first, starts_on)] += 1
        changes[min(last, ends_on) + timedelta(days=1)] -= 1
    running = 0
    for day in sorted(changes):
        running += changes[day]
        if running >= MAX_ACTIVE_GOALS:
            raise InvalidInput(
                {
                    "state": [
                        f"At most {MAX_ACTIVE_GOALS} goals active on any day: {running} are "
                        f"already active on {day.isoformat()}. Keep this one a draft, or finish "
                        "or drop one of them first."
                    ]
                }
            )


def goal_create(
    *,
    actor,
    title: str,
    starts_on: date,
    ends_on: date,
    why: str = "",
    owner=None,
    cadence: str = "",
    processes=(),
    state: str = GoalState.ACTIVE,
    parent: Goal | None = None,
    now: datetime,
) -> Goal:
    processes = list(processes)
    if not may_create_goals(actor) or not all(is_accountable(actor, p.pk) for p in processes):
        raise Forbidden(
            "Only the accountable role of each of the goal's processes (or staff) sets goals."
        )
    _check_goal(title=title, starts_on=starts_on, ends_on=ends_on, cadence=cadence, state=state)
    _check_owner(owner=owner, processes=processes)
    with transaction.atomic():
        goal_parent_check(actor=actor, goal=None, parent=parent)
        if state == GoalState.ACTIVE and parent is None:
            _check_active_limit(goal_id=None, starts_on=starts_on, ends_on=ends_on)
        goal = Goal.objects.create(
            parent=parent,
            title=title.strip(),
            why=why,
            owner=owner,
            starts_on=starts_on,
            ends_on=ends_on,
            cadence=cadence,
            state=state,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        goal.processes.set(processes)
    return goal


def goal_update(*, actor, goal: Goal, changes: dict, now: datetime) -> Goal:
    """Change a goal's fields and state. A new period start moves its key results' baselines,
    and their history is recomputed for the new period."""
    unknown = set(changes) - GOAL_FIELDS
    if unknown:
        raise InvalidInput({field: ["This field cannot be changed."] for field in sorted(unknown)})
    current = set(goal.processes.values_list("pk", flat=True))
    if not may_edit_goal(actor, goal, current):
        raise Forbidden("Only the accountable role of the goal's processes (or staff) edits it.")
    new_processes = changes.get("processes")
    if new_processes is not None:
        added = {p.pk for p in new_processes} - current
        if not all(is_accountable(actor, pid) for pid in added):
            raise Forbidden("Only a process's accountable role (or staff) adds it to a goal.")
        used = set(goal.key_results.values_list("process_id", flat=True))
        dropped = used - {p.pk for p in new_processes}
        if dropped:
            raise InvalidInput(
                {"processes": ["A process with key results on this goal stays on it."]}
            )
    fields = {k: v for k, v in changes.items() if k != "processes"}
    merged = {f: fields.get(f, getattr(goal, f)) for f in ("title", "starts_on", "ends_on")}
    merged["cadence"] = fields.get("cadence", goal.cadence)
    merged["state"] = fields.get("state", goal.state)
    _check_goal(**merged)
    if "owner" in changes or new_processes is not None:
        _check_owner(
            owner=changes.get("owner", goal.owner),
            processes=new_processes if new_processes is not None else goal.processes.all(),
        )
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        parent = fields.get("parent", goal.parent)
        if "parent" in fields:
            goal_tree_lock()
            goal_parent_check(actor=actor, goal=goal, parent=parent)
        period_changed = (merged["starts_on"], merged["ends_on"]) != (goal.starts_on, goal.ends_on)
        becomes_top = parent is None and goal.parent_id is not None
        activates = merged["state"] == GoalState.ACTIVE and (
            goal.state != GoalState.ACTIVE or period_changed or becomes_top
        )
        if activates and parent is None:
            _check_active_limit(
                goal_id=goal.pk, starts_on=merged["starts_on"], ends_on=merged["ends_on"]
            )
        start_changed = merged["starts_on"] != goal.starts_on
        for field, value in fields.items():
            setattr(goal, field, value.strip() if field == "title" else value)
        goal.updated_at = now
        goal.save()
        if new_processes is not None:
            goal.processes.set(new_processes)
        if period_changed:
            _recompute_goal(goal=goal, rebaseline=start_changed, now=now)
    return goal


def _recompute_goal(*, goal: Goal, rebaseline: bool, now: datetime) -> None:
    key_results = list(goal.key_results.select_related("goal"))
    weeks = history.weeks_to_record(goal, now.date())
    KeyResultWeek.objects.filter(key_result__goal=goal).exclude(week__in=weeks).delete()
    by_process = defaultdict(list)
    for kr in key_results:
        by_process[kr.process_id].append(kr)
    for process_id, krs in by_process.items():
        if rebaseline:
            figures = history.Figures(
                process_id=process_id,
                weeks=baseline_weeks(goal.starts_on),
                key_results=krs,
            )
            for kr in krs:
                kr.baseline, kr.baseline_weeks = history.baseline(kr, figures, goal.starts_on)
            KeyResult.objects.bulk_update(krs, ["baseline", "baseline_weeks"])
        history.record(process_id=process_id, key_results=krs, weeks=weeks, now=now)


# ---------------------------------------------------------------------------------------------
# Key results


def _key_result_errors(*, goal, process, metric, dimension, kind, target, deadline) -> dict:
    errors = {}
    if process.pk not in {p.pk for p in goal.processes.all()}:
        errors["process"] = [f"{process.name} is not one of this goal's processes: add it first."]
    entry = METRICS.get(metric)
    if entry is None:
        errors["metric"] = [f"Unknown metric “{metric[:50]}”: see /api/metrics/catalogue/."]
    elif dimension:
        allowed = dimension_values(entry, process)
        if not allowed:
            errors["dimension"] = [f"{entry.label} has no split: leave the dimension blank."]
        elif dimension not in allowed:
            errors["dimension"] = [f"Choose a {entry.dimension}: {', '.join(allowed)}."]
    elif entry.dimension_required:
        errors["dimension"] = [f"{entry.label} needs a {entry.dimension}."]
    if kind not in KeyResultKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(KeyResultKind.values)}."]
    if target is None:
        errors["target"] = ["Give the target (for a guardrail: its threshold)."]
    if kind == KeyResultKind.TARGET:
        if deadline is None:
            errors["deadline"] = ["A target needs a deadline within the goal's period."]
        elif not goal.starts_on <= deadline <= goal.ends_on:
            errors["deadline"] = [
                f"The deadline must fall within the goal's period, {goal.starts_on.isoformat()} "
                f"to {goal.ends_on.isoformat()}."
            ]
    elif kind == KeyResultKind.GUARDRAIL and deadline is not None:
        errors["deadline"] = ["A guardrail holds every week: it has no deadline."]
    return errors


def key_result_create(
    *,
    actor,
    goal: Goal,
    process,
    metric: str,
    kind: str,
    target: float | None,
    dimension: str = "",
    deadline: date | None = None,
    now: datetime,
) -> KeyResult:
    """Add a key result; its baseline is the median of the complete weeks before the period
    (the weeks are recorded), and its history is written at once from the stored figures."""
    if not is_accountable(actor, process.pk):
        raise Forbidden(
            f"Only the accountable role of {process.name} (or staff) adds its key results."
        )
    dimension = (dimension or "").strip()
    errors = _key_result_errors(
        goal=goal,
        process=process,
        metric=metric,
        dimension=dimension,
        kind=kind,
        target=target,
        deadline=deadline,
    )
    if errors:
        raise InvalidInput(errors)
    kr = KeyResult(
        goal=goal,
        process=process,
        metric=metric,
        dimension=dimension,
        kind=kind,
        better=METRICS[metric].better,
        target=target,
        deadline=deadline if kind == KeyResultKind.TARGET else None,
        created_at=now,
    )
    weeks = history.weeks_to_record(goal, now.date())
    figures = history.Figures(
        process_id=process.pk,
        weeks=baseline_weeks(goal.starts_on),
        key_results=[kr],
    )
    kr.baseline, kr.baseline_weeks = history.baseline(kr, figures, goal.starts_on)
    if kind == KeyResultKind.TARGET and kr.baseline is not None and target == kr.baseline:
        raise InvalidInput(
            {
                "target": [
                    f"The target equals the baseline ({kr.baseline:g}): nothing would change. "
                    "Set a target that moves the figure."
                ]
            }
        )
    with transaction.atomic():
        kr.save()
        history.record(process_id=process.pk, key_results=[kr], weeks=weeks, now=now)
    return kr


def key_results_record_week(*, process_id: int, week: str, now: datetime | None = None) -> int:
    """The history rows of a week for every key result of the process whose goal's period
    holds the week, from the stored snapshot: a fixed number of queries. Recomputing the week
    updates the same rows. Called when metrics writes a week's snapshot."""
    from django.utils import timezone

    now = now or timezone.now()
    monday, sunday = week_days(week)
    key_results = list(
        KeyResult.objects.filter(
            process_id=process_id, goal__starts_on__lte=sunday, goal__ends_on__gte=monday
        ).select_related("goal")
    )
    with transaction.atomic():
        return history.record(process_id=process_id, key_results=key_results, weeks=[week], now=now)
