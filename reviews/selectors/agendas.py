"""What each level of review looks at, computed from live data when the review is opened and
frozen (as JSON) when it is closed. Each agenda is a list of sections of items; an item has a
`key` (notes, decisions and carry-over refer to it), words, and a link to where it lives.

Set-based: a fixed number of queries per agenda whatever the number of cards, rules or weeks.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta

from django.urls import reverse

from goals.definitions import SEVERITY, KRState, worst
from goals.selectors import key_results_for_process
from metrics.agenda import AgendaList, agenda_lists, agenda_lists_of, agenda_sections
from metrics.catalogue import headline_metrics
from metrics.flow import week_shift
from metrics.models import WeeklyFigure
from metrics.selectors import risks_for_review
from metrics.weeks import last_complete_week
from opmodel.formatting import day_text, figure_text, moment_text, person_text
from processes.calendars import process_calendar
from processes.models import (
    ApprovalRequest,
    ApprovalStatus,
    BlockReason,
    RequestCard,
    SLAState,
    Status,
)
from processes.promises import AT_RISK, promises_for
from reviews import figures
from reviews.definitions import MEDIAN_WEEKS, TOP, DecisionState, Level, median_change_marked
from reviews.models import Decision
from reviews.selectors.pickups import pickup_items


def item(key: str, text: str, detail: str = "", url: str = "", tone: str = "") -> dict:
    return {"key": key, "text": text, "detail": detail, "url": url, "tone": tone}


def section(slug: str, title: str, items: list[dict], empty: str = "Nothing.") -> dict:
    return {"slug": slug, "title": title, "items": items, "empty": empty}


def _card_url(card_id: int) -> str:
    return reverse("card-detail", args=[card_id])


def _decision_url() -> str:
    return reverse("decision-list")


def _days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.1f} days"


def status_names(process) -> dict[str, str]:
    """{status slug: its name}: people read names, keys stay in the API."""
    return dict(Status.objects.filter(process=process).values_list("slug", "name"))


def reason_names(process) -> dict[str, str]:
    return dict(BlockReason.objects.filter(process=process).values_list("slug", "name"))


def as_now(items: list[dict]) -> list[dict]:
    """Carried items about cards, told as the cards are now (status, blocked or not): a
    carried item's words were frozen when the last review closed. One query."""
    ids = [int(i["key"][5:]) for i in items if i["key"].startswith("card:")]
    if not ids:
        return items
    cards = {c.pk: c for c in RequestCard.objects.filter(pk__in=ids).select_related("block_reason")}
    names = {}
    for slug, name, process_id in Status.objects.filter(
        process__in={c.process_id for c in cards.values()}
    ).values_list("slug", "name", "process_id"):
        names[(process_id, slug)] = name
    for i in items:
        card = cards.get(int(i["key"][5:])) if i["key"].startswith("card:") else None
        if card is not None:
            now = f"now {names.get((card.process_id, card.status), card.status)}"
            if card.is_blocked:
                now += f", blocked: {card.block_reason.name if card.block_reason else 'no reason'}"
            i["detail"] = now
    return items


def open_cards(process):
    return RequestCard.objects.filter(process=process).open()


def decision_item(decision: Decision, today: date) -> dict:
    overdue = decision.is_overdue_on(today)
    detail = f"{person_text(decision.owner)}, due {day_text(decision.due_on)}"
    return item(
        f"decision:{decision.pk}",
        decision.text,
        detail + (" (overdue)" if overdue else ""),
        _decision_url(),
        "worse" if overdue else "",
    )


def open_decisions(process, *, due_by: date):
    return (
        Decision.objects.filter(process=process, state=DecisionState.OPEN, due_on__lte=due_by)
        .select_related("owner")
        .order_by("due_on", "id")
    )


# ---------------------------------------------------------------------------------------------
# Daily: risks and blocks


def _status_name(row) -> str:
    return row.status.name if row.status else row.card.status


def promises_at_risk(process, *, now: datetime) -> list[dict]:
    """The open cards whose expected date passed the promised one, latest expected first (the
    promise to the client comes before the internal deadlines: docs/design.md, Promise)."""
    waiting = list(
        open_cards(process)
        .filter(promised_on__isnull=False, shipped_on__isnull=True)
        .only("id", "title", "status", "status_changed_at", "promised_on", "shipped_on")
        .order_by("id")
    )
    promises = promises_for(waiting, now=now, process=process)
    late = [
        (promises[c.pk].expected_on - promises[c.pk].promised_on, c.pk, c, promises[c.pk])
        for c in waiting
        if promises[c.pk].state == AT_RISK
    ]
    late.sort(key=lambda row: (-row[0].days, row[1]))
    return [
        item(
            f"card:{c.pk}",
            f"#{c.pk} {c.title}",
            f"promised {day_text(p.promised_on)}, expected {day_text(p.expected_on)} "
            f"({late.days} day{'s' if late.days != 1 else ''} late)",
            _card_url(c.pk),
            "worse",
        )
        for late, _, c, p in late
    ]


def _blocked_items(risks, now: datetime) -> list[dict]:
    blocked = sorted((r.card for r in risks.blocked), key=lambda c: (c.blocked_at or now, c.pk))
    return [
        item(
            f"card:{c.pk}",
            f"#{c.pk} {c.title}",
            f"blocked {_days(now - c.blocked_at) if c.blocked_at else ''}: "
            f"{c.block_reason.name if c.block_reason else 'no reason'}"
            + (f" ({c.block_note})" if c.block_note else ""),
            _card_url(c.pk),
            "worse",
        )
        for c in blocked
    ]


def _deadline_items(risks, now: datetime) -> list[dict]:
    # The breached deadlines before those at risk.
    risky = sorted(
        risks.deadlines,
        key=lambda r: (r.state != SLAState.BREACHED, r.card.due_at or now, r.card.pk),
    )
    return [
        item(
            f"card:{r.card.pk}",
            f"#{r.card.pk} {r.card.title}",
            f"{'breached' if r.state == SLAState.BREACHED else 'at risk'} in {_status_name(r)}",
            _card_url(r.card.pk),
            "worse" if r.state == SLAState.BREACHED else "warn",
        )
        for r in risky
    ]


def _overdue_approval_items(process, now: datetime) -> list[dict]:
    zone = process_calendar(process).timezone
    overdue = (
        ApprovalRequest.objects.filter(
            card__process=process, status=ApprovalStatus.PENDING, due_at__lte=now
        )
        .select_related("rule", "card")
        .order_by("due_at", "id")
    )
    return [
        item(
            f"approval:{a.pk}",
            f"{a.name} on #{a.card_id} {a.card.title}",
            f"due {moment_text(a.due_at, zone)}",
            _card_url(a.card_id),
            "worse",
        )
        for a in overdue
        if a.is_overdue_at(now)
    ]


def _unassigned_items(risks) -> list[dict]:
    return [
        item(
            f"card:{r.card.pk}",
            f"#{r.card.pk} {r.card.title}",
            f"in {_status_name(r)}",
            _card_url(r.card.pk),
        )
        for r in risks.unassigned
    ]


def daily(process, *, now: datetime, today: date) -> list[dict]:
    """The daily agenda: reviews' own lists, then those the apps above register (finance's
    overdue invoices), all made sections the one way (metrics.agenda.agenda_sections)."""
    found = {}

    def risks():
        # The risks page's function (metrics), for the whole process whoever opens the review,
        # every row at once and the cards nobody owns too: read once for the three lists.
        if "risks" not in found:
            found["risks"] = risks_for_review(
                process=process,
                cards=RequestCard.objects.filter(process=process),
                now=now,
                paged=False,
                unassigned=True,
            )
        return found["risks"]

    def own(name: str, title: str, items) -> AgendaList:
        return AgendaList(name, Level.DAILY, title, lambda process, *, now, today: items())

    lists = [
        own(
            "promises",
            "Promises to clients at risk, latest first",
            lambda: promises_at_risk(process, now=now),
        ),
        own("blocked", "Blocked cards, longest first", lambda: _blocked_items(risks(), now)),
        own("at_risk", "Cards at risk or breached", lambda: _deadline_items(risks(), now)),
        own("approvals", "Approvals overdue", lambda: _overdue_approval_items(process, now)),
        own(
            "pickups",
            "Handed-off cards nobody has taken, past their at-risk time",
            lambda: pickup_items(process, now=now, names=status_names(process)),
        ),
        own(
            "unassigned",
            "Cards without a responsible person",
            lambda: _unassigned_items(risks()),
        ),
        own(
            "decisions",
            "Decisions due today",
            lambda: [decision_item(d, today) for d in open_decisions(process, due_by=today)],
        ),
        *agenda_lists_of(Level.DAILY),
    ]
    return agenda_sections(lists, process, now=now, today=today)


# ---------------------------------------------------------------------------------------------
# Weekly: flow figures and the causes of deviations


def figure_rows(process, weeks: list[str], metrics: list[str]):
    return WeeklyFigure.objects.filter(
        snapshot__process=process, snapshot__week__in=weeks, metric__in=metrics
    ).values_list("snapshot__week", "metric", "dimension", "value")


def headline_items(process, *, week: str) -> list[dict]:
    weeks = [week_shift(week, -k) for k in range(MEDIAN_WEEKS, -1, -1)]
    headlines = headline_metrics()
    values: dict[tuple[str, str], float | None] = {}
    paths = [m.figure for _, m in headlines]
    for wk, metric, dimension, value in figure_rows(process, weeks, paths):
        if not dimension:
            values[(metric, wk)] = value
    items = []
    previous = weeks[-2]
    for slug, metric in headlines:
        path, kind = metric.figure, metric.unit
        value = values.get((path, week))
        before = values.get((path, previous))
        history = [values[(path, w)] for w in weeks[:-1] if values.get((path, w)) is not None]
        median = statistics.median(history) if history else None
        marked = median_change_marked(value, median)
        better = metric.direction
        tone = ""
        if marked and better and value is not None and median is not None:
            tone = "better" if (value > median) == (better > 0) else "worse"
        elif marked:
            tone = "warn"
        items.append(
            item(
                f"figure:{slug}",
                f"{metric.titled}: {figure_text(value, kind)}",
                f"previous week {figure_text(before, kind)}, {MEDIAN_WEEKS}-week median "
                f"{figure_text(median, kind)}" + (" (marked)" if marked else ""),
                f"{reverse('weekly-dashboard')}?process={process.slug}&week={week}",
                tone,
            )
        )
    return items


def goal_items(process, today: date) -> list[dict]:
    krs = key_results_for_process(process=process, today=today)
    by_goal: dict[int, list] = {}
    for kr in krs:
        by_goal.setdefault(kr.goal_id, []).append(kr)
    out = []
    for goal_krs in by_goal.values():
        goal = goal_krs[0].goal
        state = worst(kr.current_state or KRState.NO_DATA for kr in goal_krs)
        parts = [
            f"{kr.label}: {KRState(kr.current_state or KRState.NO_DATA).label}" for kr in goal_krs
        ]
        tone = "worse" if SEVERITY.get(state, 0) >= 4 else ""
        out.append(
            (
                -SEVERITY.get(state, 0),
                goal.pk,
                item(
                    f"goal:{goal.pk}",
                    f"{goal.title}: {KRState(state).label}",
                    "; ".join(parts),
                    reverse("goal-detail", args=[goal.pk]),
                    tone,
                ),
            )
        )
    return [row[2] for row in sorted(out, key=lambda row: row[:2])]


def weekly(process, *, now: datetime, today: date) -> list[dict]:
    week = last_complete_week(process, now)
    split = list(
        figure_rows(process, [week], [figures.BLOCKED_DAYS_BY_REASON, figures.BREACHES_BY_STATUS])
    )
    reasons = sorted(
        ((v, d) for _, m, d, v in split if m == figures.BLOCKED_DAYS_BY_REASON and v),
        key=lambda row: (-row[0], row[1]),
    )[:TOP]
    hotspots = sorted(
        ((v, d) for _, m, d, v in split if m == figures.BREACHES_BY_STATUS and v),
        key=lambda row: (-row[0], row[1]),
    )[:TOP]
    dashboard = f"{reverse('weekly-dashboard')}?process={process.slug}&week={week}"
    names, reasons_named = status_names(process), reason_names(process)
    return [
        section("headlines", f"Headline figures of {week}", headline_items(process, week=week)),
        section("goals", "Goals and key results (off track first)", goal_items(process, today)),
        section(
            "block_reasons",
            "Top block reasons",
            [
                item(f"reason:{d}", reasons_named.get(d, d), f"{v:.1f} blocked days", dashboard)
                for v, d in reasons
            ],
        ),
        section(
            "hotspots",
            "Breach hotspots",
            [
                item(f"hotspot:{d}", names.get(d, d), f"{v:g} breaches", dashboard, "worse")
                for v, d in hotspots
            ],
        ),
        section(
            "decisions",
            "Decisions due this week or overdue",
            [
                decision_item(d, today)
                for d in open_decisions(process, due_by=today + timedelta(days=6))
            ],
        ),
        *agenda_lists("weekly", process, now=now, today=today),
    ]
