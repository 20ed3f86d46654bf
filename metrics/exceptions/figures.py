"""The weekly figures of the exception route (processes/services/exceptions.py): exceptions no
rule foresees, counted apart from the rules' requests, so that the monthly review sees which
one is frequent enough to become a rule. From the request rows alone (their instants and
status), in the process calendar's ISO week, up to the week's end or now:

- asked: ad-hoc requests asked in the week;
- decided: ad-hoc requests decided (approved or rejected) in the week, whenever asked;
  approved: of those, the approved ones; approved share: approved / decided (none decided:
  no share);
- escalated: ad-hoc requests escalated (undecided past their decision SLA) in the week;
- by reason: the same four counts for each reason (ExceptionReason), the reasons with any.

Kept with the week's snapshot (a stored section, metrics/sections.py): the rows
`exceptions.asked`, `exceptions.approved_share`, `exceptions.by_reason.asked` (dimension: the
reason), ...
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from metrics.weeks import iso_week_bounds
from processes.models import AD_HOC_FAMILY, ApprovalRequest, ApprovalStatus, ExceptionReason

COUNTS = ("asked", "decided", "approved", "escalated")
DEFINITIONS = [
    ("Asked", "Exceptions no rule foresees asked from a card in the week."),
    (
        "Decided, approved",
        "Those decided in the week (whenever asked), and of them the approved; the approved "
        "share is approved over decided.",
    ),
    ("Escalated", "Those undecided past their decision SLA, told to the escalation role."),
    (
        "By reason",
        "The same counts by what the exception is about, the reason chosen when asking; a "
        "frequent reason is a rule to write (the monthly review lists them).",
    ),
]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def exception_weekly_figures(process, week: str, now: datetime | None = None) -> dict | None:
    """One week's figures of the process's ad-hoc exceptions; None for a process that has
    never had one (no section). One query for the week's rows."""
    requests = ApprovalRequest.objects.filter(card__process=process, family=AD_HOC_FAMILY)
    if not requests.exists():
        return None
    start, end = iso_week_bounds(process, week)
    point = min(end, now or timezone.now())
    if point <= start:
        return None  # a week still to come
    rows = requests.filter(
        Q(requested_at__gte=start, requested_at__lt=point)
        | Q(decided_at__gte=start, decided_at__lt=point)
        | Q(escalated_at__gte=start, escalated_at__lt=point)
    ).values_list("reason", "status", "requested_at", "decided_at", "escalated_at")
    total = dict.fromkeys(COUNTS, 0)
    by_reason: dict[str, dict] = {}
    for reason, status, requested, decided, escalated in rows:
        hits = {
            "asked": start <= requested < point,
            "decided": decided is not None and start <= decided < point,
            "approved": decided is not None
            and start <= decided < point
            and status == ApprovalStatus.APPROVED,
            "escalated": escalated is not None and start <= escalated < point,
        }
        if not any(hits.values()):
            continue
        counts = by_reason.setdefault(reason or ExceptionReason.OTHER, dict.fromkeys(COUNTS, 0))
        for key, hit in hits.items():
            total[key] += hit
            counts[key] += hit
    order = {value: k for k, value in enumerate(ExceptionReason.values)}
    return {
        **total,
        "approved_share": _share(total["approved"], total["decided"]),
        "by_reason": {
            reason: {**counts, "approved_share": _share(counts["approved"], counts["decided"])}
            for reason, counts in sorted(by_reason.items(), key=lambda kv: order.get(kv[0], 99))
        },
    }


def exception_weekly_html(request, process, week, figures) -> str:
    labels = dict(ExceptionReason.choices)
    return render_to_string(
        "metrics/_weekly_exceptions.html",
        {
            "exceptions": figures,
            "reasons": [
                {"label": labels.get(reason, reason), **counts}
                for reason, counts in figures["by_reason"].items()
            ],
            "definitions": DEFINITIONS,
        },
        request=request,
    )
