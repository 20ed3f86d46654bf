"""The daily agenda's overdue pick-ups (docs/design.md, "Handoffs by stage"): cards handed to a
stage role and taken by nobody for longer than their status's at-risk time (the status clock at
risk or breached), longest waiting first. One query."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse

from processes.models import RequestCard, Status
from processes.models.cards import sla_at_risk_q, sla_breached_q


def overdue_pickups(process, *, now: datetime):
    staged = Status.objects.filter(
        process_id=OuterRef("process_id"), slug=OuterRef("status"), stage_group__isnull=False
    )
    return (
        RequestCard.objects.filter(process=process, responsible__isnull=True)
        .filter(Exists(staged))
        .filter(sla_at_risk_q(now) | sla_breached_q(now))
        .order_by("status_changed_at", "id")
    )


def pickups_section(process, *, now: datetime, names: dict[str, str]) -> dict:
    items = []
    for card in overdue_pickups(process, now=now):
        waited = (now - card.status_changed_at).total_seconds() / 86400
        items.append(
            {
                "key": f"card:{card.pk}",
                "text": f"#{card.pk} {card.title}",
                "detail": f"waiting for pick-up in {names.get(card.status, card.status)} "
                f"for {waited:.1f} days",
                "url": reverse("card-detail", args=[card.pk]),
                "tone": "worse",
            }
        )
    return {
        "slug": "pickups",
        "title": "Handed-off cards nobody has taken, past their at-risk time",
        "items": items,
        "empty": "Nothing.",
    }
