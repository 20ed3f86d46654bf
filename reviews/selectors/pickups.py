"""The daily agenda's overdue pick-ups (docs/design.md, "Handoffs by stage"): cards handed to a
stage role and taken by nobody for longer than their status's at-risk time (the SLA policy's
allowance times its at-risk share, in business time, whether the status clock runs or waits on
the customer), longest waiting first. One query (the definition is held in memory)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from processes.definition import process_definition
from processes.models import RequestCard


def overdue_pickups(process, *, now: datetime) -> list[tuple[RequestCard, int, int]]:
    """[(card, business seconds waited, the at-risk time in seconds)], longest waiting first."""
    definition = process_definition(process)
    if not definition.stages:
        return []
    waiting = RequestCard.objects.filter(
        process=process, responsible__isnull=True, status__in=list(definition.stages)
    ).order_by("status_changed_at", "id")
    found = []
    for card in waiting.only("id", "title", "status", "priority", "status_changed_at"):
        stage = definition.stages[card.status]
        policy = definition.sla_policy(stage.status_id, card.priority)
        if policy is None:
            continue
        at_risk = policy.allowance_minutes * 60 * policy.at_risk_percent // 100
        waited = definition.working_time.between(card.status_changed_at, now)
        if waited >= at_risk:
            found.append((card, waited, at_risk))
    return found


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:.1f} business hours"


def pickup_items(process, *, now: datetime, names: dict[str, str]) -> list[dict]:
    return [
        {
            "key": f"card:{card.pk}",
            "text": f"#{card.pk} {card.title}",
            "detail": f"waiting for pick-up in {names.get(card.status, card.status)} for "
            f"{_hours(waited)} (at risk after {_hours(at_risk)})",
            "url": reverse("card-detail", args=[card.pk]),
            "tone": "worse",
        }
        for card, waited, at_risk in overdue_pickups(process, now=now)
    ]
