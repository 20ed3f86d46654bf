"""A process's whole definition as one JSON document (README, "A process as a
document"), in a fixed key and list order, so that export -> import -> export gives the same
document. The process's slug and name are not in it: an import names the new process.

The calendar is carried whole (name, hours, country holidays and its own days off), or null for
the standard office hours of the installation (referenced, never copied: each installation
edits its own); an import uses the calendar of that name when one exists with the same
contents, makes it when none does, and refuses one of that name with other contents
(checks.py).
"""

from django.db.models import Prefetch

from processes.blueprints.sections import DOCUMENT_SECTIONS
from processes.models import (
    BlockReason,
    ExceptionRule,
    Priority,
    ProcessTarget,
    SLAPolicy,
    Status,
    Transition,
)
from processes.models.calendars import STANDARD_CALENDAR_NAME
from roles.models import ProcessRole, RoleKind

FORMAT_VERSION = 1
ANY_PRIORITY = "any"
PRIORITY_ORDER = {ANY_PRIORITY: 0, **{p: i + 1 for i, p in enumerate(Priority.values)}}
KIND_ORDER = {kind: i for i, kind in enumerate(RoleKind.values)}


def calendar_document(calendar) -> dict:
    """A calendar as the document carries it."""
    return {
        "name": calendar.name,
        "timezone": calendar.timezone,
        "working_days": list(calendar.working_days),
        "day_start": calendar.day_start.isoformat(timespec="minutes"),
        "day_end": calendar.day_end.isoformat(timespec="minutes"),
        "holiday_country": calendar.holiday_country,
        "holiday_subdivision": calendar.holiday_subdivision,
        "holidays": [
            {"date": day.date.isoformat(), "name": day.name}
            for day in calendar.holidays.order_by("date")
        ],
    }


def _calendar(process) -> dict | None:
    # The standard office hours are referenced, not copied: each installation has its own
    # (edited in its admin), and a process on them counts on that one wherever it is imported.
    if not process.calendar_id or process.calendar.name == STANDARD_CALENDAR_NAME:
        return None
    return calendar_document(process.calendar)


def _clock(policy, status_slug: str) -> dict:
    return {
        "status": status_slug,
        "priority": policy.priority or ANY_PRIORITY,
        "allowance_minutes": policy.allowance_minutes,
        "at_risk_percent": policy.at_risk_percent,
    }


def process_document(process) -> dict:
    """The definition of `process` as a JSON-ready dict. A fixed number of queries."""
    statuses = list(
        Status.objects.filter(process=process).select_related("stage_group").order_by("order", "id")
    )
    position = {s.pk: i for i, s in enumerate(statuses)}
    slug_of = {s.pk: s.slug for s in statuses}
    transitions = list(
        Transition.objects.filter(process=process)
        .prefetch_related(Prefetch("sources", Status.objects.only("id")))
        .order_by("order", "id")
    )
    policies = sorted(
        SLAPolicy.objects.filter(process=process),
        key=lambda p: (position[p.status_id], PRIORITY_ORDER.get(p.priority or ANY_PRIORITY, 9)),
    )
    targets = sorted(
        ProcessTarget.objects.filter(process=process),
        key=lambda t: PRIORITY_ORDER.get(t.priority or ANY_PRIORITY, 9),
    )
    rules = ExceptionRule.objects.filter(process=process).select_related("guards")
    grants = ProcessRole.objects.filter(process_id=process.pk, group__isnull=False).select_related(
        "group"
    )
    document = {
        "format_version": FORMAT_VERSION,
        "description": process.description,
        "input": process.input,
        "output": process.output,
        "documents_when_finished": process.documents_when_finished,
        "calendar": _calendar(process),
        "statuses": [
            {
                "slug": s.slug,
                "name": s.name,
                "next_action": s.next_action,
                "final": s.final,
                "outcome": s.outcome,
                "commitment_point": s.commitment_point,
                "waiting_on_customer": s.waiting_on_customer,
                "deadline_source": s.deadline_source,
                "stage_group": s.stage_group.name if s.stage_group_id else None,
                "stage_assignment": s.stage_assignment,
            }
            for s in statuses
        ],
        "transitions": [
            {
                "name": t.name,
                "label": t.label,
                "from": [
                    slug_of[s.pk] for s in sorted(t.sources.all(), key=lambda s: position[s.pk])
                ],
                "to": slug_of[t.target_id],
                "roles": list(t.allowed_roles),
                "conditions": list(t.conditions),
                "effects": list(t.effects),
            }
            for t in transitions
        ],
        "roles": [
            {"kind": g.kind, "group": g.group.name, "authority": g.authority}
            for g in sorted(grants, key=lambda g: (KIND_ORDER[g.kind], g.group.name, g.authority))
        ],
        "sla": [_clock(p, slug_of[p.status_id]) for p in policies],
        "targets": [_clock(t, slug_of[t.target_status_id]) for t in targets],
        "exception_rules": [
            {
                "family": r.family,
                "level": r.level,
                "name": r.name,
                "field": r.field,
                "operator": r.operator,
                "threshold": r.threshold,
                "approver": r.approver_kind,
                "authority": r.authority,
                "guards": r.guards.name,
                "decision_sla_hours": r.decision_sla_hours,
                "active": r.is_active,
            }
            for r in sorted(rules, key=lambda r: (r.family, r.level))
        ],
        "block_reasons": [
            {"slug": b.slug, "name": b.name}
            for b in BlockReason.objects.filter(process=process).order_by("order", "id")
        ],
    }
    for name, section in sorted(DOCUMENT_SECTIONS.items()):
        document[name] = section.export(process)
    return document
