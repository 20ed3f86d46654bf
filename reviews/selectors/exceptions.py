"""The monthly agenda's exceptions no rule foresees (processes/services/exceptions.py), by
reason over the last RULE_DAYS days: how many were asked, how many of those decided were
approved, and the latest asks in words, so that the review can turn a frequent one into a rule
(a reason asked FREQUENT times or more is marked)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse

from processes.models import AD_HOC_FAMILY, ApprovalRequest, ApprovalStatus, ExceptionReason
from reviews.selectors.agendas import item

FREQUENT = 3  # asked this often in the window: a rule to write?
LATEST = 3  # the asks quoted per reason


def ad_hoc_exception_items(process, *, now: datetime, days: int) -> list[dict]:
    since = now - timedelta(days=days)
    rows = (
        ApprovalRequest.objects.filter(
            card__process=process,
            family=AD_HOC_FAMILY,
            requested_at__gte=since,
            requested_at__lt=now,
        )
        .order_by("-requested_at", "-id")
        .values_list("reason", "status", "decided_at", "ask")
    )
    stats: dict[str, dict] = {}
    for reason, status, decided, ask in rows:
        s = stats.setdefault(reason, {"n": 0, "decided": 0, "approved": 0, "asks": []})
        s["n"] += 1
        if decided is not None:
            s["decided"] += 1
            s["approved"] += status == ApprovalStatus.APPROVED
        if len(s["asks"]) < LATEST:
            s["asks"].append(ask)
    labels = dict(ExceptionReason.choices)
    out = []
    for reason, s in sorted(stats.items(), key=lambda kv: (-kv[1]["n"], kv[0])):
        rate = f"{s['approved'] / s['decided'] * 100:.0f}%" if s["decided"] else "–"
        frequent = s["n"] >= FREQUENT
        out.append(
            item(
                f"ad_hoc_exception:{reason}",
                labels.get(reason, reason),
                f"{s['n']} asked in {days} days, approved {rate} of {s['decided']} decided. "
                f"Latest: {'; '.join(s['asks'])}."
                + (" Frequent: a rule to write?" if frequent else ""),
                reverse("approvals"),
                "warn" if frequent else "",
            )
        )
    return out
