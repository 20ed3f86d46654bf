"""A document's rows as the values of the process's rows, one builder per row kind, shared by
the import (install.py: a new process) and the designer (designer/services/documents.py: an
existing process brought to a document), so that both read a document the same way.

Each builder returns the row's fields as keyword arguments (`Status(**values)` or a changed
row's `setattr`); the keys the caller matches rows by (slug, name, status and priority, family)
are the caller's."""

from __future__ import annotations

from datetime import date, time

from django.contrib.auth.models import Group

from processes.blueprints.export import ANY_PRIORITY
from processes.models import BusinessCalendar, Holiday, ProcessTarget, SLAPolicy

# The two clocks a document carries: (the model, the field naming its status, the document's
# part). Both are keyed by status and priority and hold an allowance.
CLOCKS = ((SLAPolicy, "status", "sla"), (ProcessTarget, "target_status", "targets"))


def priority(row: dict) -> str:
    """The priority a clock row stores ("" for any priority, which the document names)."""
    priority = row.get("priority", ANY_PRIORITY)
    return "" if priority == ANY_PRIORITY else priority


def calendar(row: dict) -> BusinessCalendar:
    """The calendar of that name, made with its days off when none exists (the checks have
    refused a calendar of that name with other contents)."""
    calendar, created = BusinessCalendar.objects.get_or_create(
        name=row["name"],
        defaults={
            "timezone": row["timezone"],
            "working_days": row["working_days"],
            "day_start": time.fromisoformat(row["day_start"]),
            "day_end": time.fromisoformat(row["day_end"]),
            "holiday_country": row["holiday_country"],
            "holiday_subdivision": row["holiday_subdivision"],
        },
    )
    if created:
        Holiday.objects.bulk_create(
            Holiday(calendar=calendar, date=date.fromisoformat(h["date"]), name=h["name"])
            for h in row.get("holidays", [])
        )
    return calendar


def groups(document: dict) -> dict[str, Group]:
    """Every group the document names (its roles and its stages' roles), made when missing."""
    names = {row["group"] for row in document.get("roles", [])} | {
        row["stage_group"] for row in document["statuses"] if row.get("stage_group")
    }
    return {name: Group.objects.get_or_create(name=name)[0] for name in sorted(names)}


def process_fields(document: dict) -> dict:
    """The process's own fields but its calendar (the standard one is kept, not named)."""
    return {
        "description": document.get("description", ""),
        "input": document.get("input", ""),
        "output": document.get("output", ""),
        "documents_when_finished": document.get("documents_when_finished", True),
    }


def status_fields(row: dict, *, order: int, groups: dict[str, Group]) -> dict:
    return {
        "name": row["name"],
        "order": order,
        "final": row.get("final", False),
        "next_action": row.get("next_action", ""),
        "waiting_on_customer": row.get("waiting_on_customer", False),
        "outcome": row.get("outcome", ""),
        "commitment_point": row.get("commitment_point", False),
        "deadline_source": row.get("deadline_source", ""),
        "stage_group": groups[row["stage_group"]] if row.get("stage_group") else None,
        "stage_assignment": row.get("stage_assignment", "queue"),
    }


def transition_fields(row: dict, *, order: int, statuses: dict) -> dict:
    """A move's fields but its sources (a many-to-many set after the row is saved)."""
    return {
        "label": row["label"],
        "target": statuses[row["to"]],
        "allowed_roles": list(row["roles"]),
        "conditions": list(row.get("conditions", [])),
        "effects": list(row.get("effects", [])),
        "order": order,
    }


def clock_fields(row: dict) -> dict:
    """An SLA policy's or a whole-process target's allowance (their status and priority key
    them)."""
    return {
        "allowance_minutes": row["allowance_minutes"],
        "at_risk_percent": row["at_risk_percent"],
    }


def exception_rule_fields(row: dict, *, transitions: dict) -> dict:
    """An exception rule's fields but its family (with its level, the rule's key)."""
    return {
        "level": row["level"],
        "name": row["name"],
        "field": row["field"],
        "operator": row["operator"],
        "threshold": row["threshold"],
        "approver_kind": row["approver"],
        "authority": row.get("authority", ""),
        "guards": transitions[row["guards"]],
        "decision_sla_hours": row["decision_sla_hours"],
        "is_active": row.get("active", True),
    }


def block_reason_fields(row: dict, *, order: int) -> dict:
    return {"name": row["name"], "order": order}
