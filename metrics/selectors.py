"""Queries that read: the daily review's risks (a fixed number of queries whatever the number
of cards)."""

import heapq
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from processes.filters import SLA_PAUSED_AT_RISK, SLA_PAUSED_BREACHED, SLA_RUNNING
from processes.models import RequestCard, Status
from processes.selectors import cards_visible_to
from processes.sla import sla_state
from roles.models import ProcessRole
from roles.permissions import restrict_to_visible
from roles.selectors import grants_of

# ---------------------------------------------------------------------------------------------
# The daily review's risks page

# Each list on the page is capped: past this many rows nobody reads on, and the counts at the
# top still say how many there are.
RISKS_LIMIT = 200

# The `responsible` filter's value for cards nobody owns.
UNASSIGNED = "none"


@dataclass(frozen=True)
class RiskRow:
    card: RequestCard
    status: Status | None
    state: str | None
    # Negative once late. Wall-clock time while the clock runs (until `due_at`); business time
    # while it is paused (allowance minus consumed), since a paused card has no due instant.
    time_left: timedelta | None
    paused: bool
    blocked_for: timedelta | None


@dataclass(frozen=True)
class RiskReview:
    deadlines: list[RiskRow]
    blocked: list[RiskRow]
    breached_count: int
    at_risk_count: int
    blocked_count: int

    @property
    def deadlines_count(self) -> int:
        return self.breached_count + self.at_risk_count


def _running_at_risk(now: datetime) -> Q:
    return SLA_RUNNING & Q(at_risk_at__lte=now)


def _running_breached(now: datetime) -> Q:
    return SLA_RUNNING & Q(due_at__lte=now)


def _open_risk_cards(*, user, process, role, responsible, cards=None) -> QuerySet[RequestCard]:
    final_status = Status.objects.filter(
        process_id=OuterRef("process_id"), slug=OuterRef("status"), final=True
    )
    cards = (
        (cards if cards is not None else cards_visible_to(user))
        .exclude(Exists(final_status))
        .select_related("process__calendar")  # dates in the process's zone
    )
    if process is not None:
        cards = cards.filter(process=process)
    if role:
        cards = cards.filter(process_id__in=grants_of(user).filter(kind=role).values("process_id"))
    if responsible == UNASSIGNED:
        cards = cards.filter(responsible__isnull=True)
    elif responsible is not None:
        cards = cards.filter(responsible_id=responsible)
    return cards


def _row(card: RequestCard, statuses: dict, now: datetime) -> RiskRow:
    paused = card.sla_allowance is not None and card.sla_resumed_at is None
    if card.sla_allowance is None:
        time_left = None
    elif paused:
        time_left = timedelta(seconds=card.sla_allowance - card.sla_consumed)
    else:
        time_left = card.due_at - now
    return RiskRow(
        card=card,
        status=statuses.get((card.process_id, card.status)),
        state=sla_state(card, now),
        time_left=time_left,
        paused=paused,
        blocked_for=now - card.blocked_at if card.is_blocked and card.blocked_at else None,
    )


def risks_for_review(
    *,
    user,
    process=None,
    role: str | None = None,
    responsible=None,
    now: datetime,
    cards: QuerySet[RequestCard] | None = None,
) -> RiskReview:
    """Open cards the user may see whose deadline is at risk or breached, and blocked cards.

    Filters: `process` (a Process), `role` (a RoleKind value: only processes where the user holds
    it), `responsible` (a user id, or UNASSIGNED); `cards`, already narrowed by the card
    filters (processes/filters.py), else every card the user sees. Both lists are sorted by
    time left, most overdue first; blocked cards without an SLA come last, longest blocked first.

    Five queries whatever the number of cards: the counts, the running and the paused deadlines
    (each sorted in SQL, then merged), the blocked cards and the statuses' names.
    """
    if not user.is_authenticated:
        return RiskReview(
            deadlines=[], blocked=[], breached_count=0, at_risk_count=0, blocked_count=0
        )
    cards = _open_risk_cards(
        user=user, process=process, role=role, responsible=responsible, cards=cards
    )
    counts = cards.aggregate(
        breached=Count("id", filter=_running_breached(now) | SLA_PAUSED_BREACHED),
        at_risk=Count(
            "id",
            filter=(_running_at_risk(now) & ~_running_breached(now))
            | (SLA_PAUSED_AT_RISK & ~SLA_PAUSED_BREACHED),
        ),
        blocked=Count("id", filter=Q(is_blocked=True)),
    )
    running = list(cards.filter(_running_at_risk(now)).order_by("due_at", "id")[:RISKS_LIMIT])
    left = F("sla_allowance") - F("sla_consumed")
    paused = list(
        cards.filter(SLA_PAUSED_AT_RISK).alias(left=left).order_by("left", "id")[:RISKS_LIMIT]
    )
    blocked = list(
        cards.filter(is_blocked=True)
        .alias(left=left)
        .order_by(F("left").asc(nulls_last=True), "blocked_at", "id")[:RISKS_LIMIT]
    )
    statuses = restrict_to_visible(Status.objects.all(), user)
    if process is not None:
        statuses = statuses.filter(process=process)
    by_slug = {(s.process_id, s.slug): s for s in statuses}

    def urgency(row: RiskRow):
        return (row.time_left, row.card.pk)

    deadlines = list(
        heapq.merge(
            (_row(card, by_slug, now) for card in running),
            (_row(card, by_slug, now) for card in paused),
            key=urgency,
        )
    )[:RISKS_LIMIT]
    return RiskReview(
        deadlines=deadlines,
        blocked=[_row(card, by_slug, now) for card in blocked],
        breached_count=counts["breached"],
        at_risk_count=counts["at_risk"],
        blocked_count=counts["blocked"],
    )


def review_people(*, user) -> QuerySet:
    """People who may be responsible for the user's cards: those holding a role, directly or
    through a group, in a process the user sees."""
    grants = restrict_to_visible(ProcessRole.objects.all(), user)
    return (
        get_user_model()
        .objects.filter(
            Q(pk__in=grants.filter(user__isnull=False).values("user_id"))
            | Q(groups__in=grants.filter(group__isnull=False).values("group_id")),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
