"""The rules of the game of a process, as data every role holder may read: statuses with their
next action and SLA, transitions with the roles, conditions and approvals they need, the
exception rules, the block reasons, the calendar the clocks count in, and the rhythm of reviews
(daily, weekly, monthly: when and who), which the reviews app registers
(processes/summaries.py: "rhythm"; an empty list without it). A fixed number of queries
whatever the size of the definition."""

from __future__ import annotations

from django.db.models import Prefetch

from processes.calendars import process_calendar
from processes.conditions import CONDITIONS
from processes.models import ExceptionRule, SLAPolicy, Status, Transition
from processes.summaries import process_summary


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def process_rules(process) -> dict:
    statuses = list(
        Status.objects.filter(process=process)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch("sla_policies", queryset=SLAPolicy.objects.order_by("priority", "id"))
        )
    )
    transitions = list(
        Transition.objects.filter(process=process)
        .select_related("target")
        .prefetch_related("sources", "exception_rules")
        .order_by("order", "id")
    )
    rules = ExceptionRule.objects.filter(process=process, is_active=True).select_related("guards")
    calendar = process_calendar(process)
    return {
        "process": process.slug,
        "statuses": [
            {
                "slug": s.slug,
                "name": s.name,
                "next_action": s.next_action,
                "final": s.final,
                "waiting_on_customer": s.waiting_on_customer,
                "sla": [
                    {
                        "priority": policy.priority or "any",
                        "allowance_business_hours": _hours(policy.allowance_minutes),
                        "at_risk_percent": policy.at_risk_percent,
                        "at_risk_after_business_hours": _hours(
                            policy.allowance_minutes * policy.at_risk_percent / 100
                        ),
                    }
                    for policy in s.sla_policies.all()
                ],
            }
            for s in statuses
        ],
        "transitions": [
            {
                "name": t.name,
                "label": t.label,
                "from": sorted(source.slug for source in t.sources.all()),
                "to": t.target.slug,
                "roles": list(t.allowed_roles),
                "conditions": [
                    {"name": name, "label": CONDITIONS[name].label if name in CONDITIONS else name}
                    for name in t.conditions
                ],
                "approvals": sorted(
                    rule.name for rule in t.exception_rules.all() if rule.is_active
                ),
            }
            for t in transitions
        ],
        "exception_rules": [
            {
                "name": rule.name,
                "field": rule.field,
                "operator": rule.operator,
                "threshold": rule.threshold,
                "level": rule.level,
                "approver": rule.approver_kind,
                "authority": rule.authority,
                "guards": rule.guards.name,
                "decide_within_business_hours": rule.decision_sla_hours,
            }
            for rule in rules.order_by("family", "level", "id")
        ],
        "block_reasons": list(process.block_reasons.order_by("order", "id").values("slug", "name")),
        "calendar": {
            "name": calendar.name,
            "timezone": calendar.timezone,
            "working_days": calendar.working_days,
            "day_start": calendar.day_start.isoformat(timespec="minutes"),
            "day_end": calendar.day_end.isoformat(timespec="minutes"),
            "holiday_country": calendar.holiday_country,
        },
        "rhythm": process_summary("rhythm", [process]).get(process.pk, []),
    }
