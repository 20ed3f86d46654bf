"""Queries that read: the daily review's risks, for the risks page and the daily review's agenda
alike (a fixed number of queries whatever the number of cards)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)

from processes.models import RequestCard, SLAState, Status
from processes.models.cards import (
    SLA_LEFT,
    SLA_PAUSED_AT_RISK,
    SLA_RUNNING,
    sla_at_risk_q,
    sla_breached_q,
)
from processes.selectors import CARD_RELATED, cards_visible_to
from processes.selectors.work_lists import ids_of_slices
from processes.sla import sla_state
from roles.permissions import restrict_to_visible
from roles.selectors import grants_of

# ---------------------------------------------------------------------------------------------
# The daily review's risks page

# Each list on the page is drawn this many rows at a time, most urgent first; the counts at
# the top say how many there are, and the list's pager reaches the rest.
RISKS_PAGE_SIZE = 50

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
    deadlines_page: Page
    blocked_page: Page
    # Open cards nobody owns, when asked for (`unassigned=True`): the daily agenda lists them.
    unassigned: list[RiskRow] = field(default_factory=list)

    @property
    def deadlines_count(self) -> int:
        return self.breached_count + self.at_risk_count


def _running_at_risk(now: datetime) -> Q:
    return SLA_RUNNING & Q(at_risk_at__lte=now)


def _open_risk_cards(*, user, process, role, responsible, cards=None) -> QuerySet[RequestCard]:
    if cards is None and user is None:
        raise ValueError("Say whose risks: a user, or the cards the caller has chosen.")
    cards = (
        (cards if cards is not None else cards_visible_to(user))
        .open()
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
    return RiskRow(
        card=card,
        status=statuses.get((card.process_id, card.status)),
        state=sla_state(card, now),
        time_left=_time_left(card, now),
        paused=card.sla_allowance is not None and card.sla_resumed_at is None,
        blocked_for=now - card.blocked_at if card.is_blocked and card.blocked_at else None,
    )


def risks_for_review(
    *,
    user=None,
    process=None,
    role: str | None = None,
    responsible=None,
    now: datetime,
    cards: QuerySet[RequestCard] | None = None,
    deadlines_page=1,
    blocked_page=1,
    paged: bool = True,
    unassigned: bool = False,
) -> RiskReview:
    """Open cards the user may see whose deadline is at risk or breached, and blocked cards.

    Filters: `process` (a Process), `role` (a RoleKind value: only processes where the user holds
    it), `responsible` (a user id, or UNASSIGNED); `cards`, already narrowed by the card
    filters (processes/filters.py), else every card the user sees. Both lists are sorted by
    time left, most overdue first; blocked cards without an SLA come last, longest blocked first.
    Each list is drawn a page of RISKS_PAGE_SIZE at a time (`deadlines_page`, `blocked_page`).

    The daily review's agenda asks for a process's risks whoever opens it: no `user` (then
    `cards` says which cards), every row at once (`paged=False`: two queries, the rows and the
    statuses' names, counted here) and, with `unassigned`, the open cards nobody owns too.

    Three queries whatever the number of cards: the counts; the cards that can be on the two
    pages (the first running deadlines by due instant, the first paused ones by business time
    left, the blocked page), read in one statement and merged here; the statuses' names. The
    partial indexes on running clocks, paused clocks and blocked cards (processes migration
    0020) keep each part from reading every card.
    """
    if user is not None and not user.is_authenticated:
        return _no_risks()
    cards = _open_risk_cards(
        user=user, process=process, role=role, responsible=responsible, cards=cards
    )
    if not paged:
        return _every_risk(cards, user=user, process=process, now=now, unassigned=unassigned)
    counts = cards.filter(
        _running_at_risk(now) | SLA_PAUSED_AT_RISK | Q(is_blocked=True)
    ).aggregate(
        breached=Count("id", filter=sla_breached_q(now)),
        at_risk=Count("id", filter=sla_at_risk_q(now)),
        blocked=Count("id", filter=Q(is_blocked=True)),
    )
    deadlines = Paginator(range(counts["breached"] + counts["at_risk"]), RISKS_PAGE_SIZE)
    deadlines_page = deadlines.get_page(deadlines_page)
    blocked_page = Paginator(range(counts["blocked"]), RISKS_PAGE_SIZE).get_page(blocked_page)
    # Each list's page is a slice of a merge of orders: the first `end` of each order hold it.
    # (Rows a part brings that belong to another list rank after those, so they drop out.)
    end, blocked_end = deadlines_page.end_index(), blocked_page.end_index()
    left = SLA_LEFT
    parts = [
        cards.filter(_running_at_risk(now)).order_by("due_at", "id")[:end],
        cards.filter(SLA_PAUSED_AT_RISK).alias(left=left).order_by("left", "id")[:end],
        cards.filter(is_blocked=True)
        .alias(left=left)
        .order_by(F("left").asc(nulls_last=True), "blocked_at", "id")[:blocked_end],
    ]
    drawn = list(
        RequestCard.objects.select_related(*CARD_RELATED, "process__calendar").filter(
            pk__in=ids_of_slices(parts)
        )
    )
    deadlines_rows, blocked_rows = _lists(drawn, _statuses(user, process), now)
    return RiskReview(
        deadlines=deadlines_rows[_offset(deadlines_page) : end],
        blocked=blocked_rows[_offset(blocked_page) : blocked_end],
        breached_count=counts["breached"],
        at_risk_count=counts["at_risk"],
        blocked_count=counts["blocked"],
        deadlines_page=deadlines_page,
        blocked_page=blocked_page,
    )


def _every_risk(cards, *, user, process, now: datetime, unassigned: bool) -> RiskReview:
    """Every row at once, counted from the rows drawn: two queries."""
    risky = _running_at_risk(now) | SLA_PAUSED_AT_RISK | Q(is_blocked=True)
    if unassigned:
        risky |= Q(responsible__isnull=True)
    drawn = list(
        cards.filter(risky).select_related(*CARD_RELATED, "process__calendar").order_by("id")
    )
    statuses = _statuses(user, process)
    deadlines, blocked = _lists(drawn, statuses, now)
    whole = Paginator(drawn, max(len(drawn), 1)).get_page(1)
    return RiskReview(
        deadlines=deadlines,
        blocked=blocked,
        breached_count=sum(r.state == SLAState.BREACHED for r in deadlines),
        at_risk_count=sum(r.state == SLAState.AT_RISK for r in deadlines),
        blocked_count=len(blocked),
        deadlines_page=whole,
        blocked_page=whole,
        unassigned=[_row(c, statuses, now) for c in drawn if c.responsible_id is None],
    )


def _statuses(user, process) -> dict:
    """{(process id, slug): Status} of the statuses the user sees (all without a user)."""
    statuses = Status.objects.all()
    if user is not None:
        statuses = restrict_to_visible(statuses, user)
    if process is not None:
        statuses = statuses.filter(process=process)
    return {(s.process_id, s.slug): s for s in statuses}


def _lists(drawn: list, statuses: dict, now: datetime) -> tuple[list[RiskRow], list[RiskRow]]:
    """The deadlines at risk or breached by time left, most overdue first; the blocked cards by
    the business time their (paused) clock has left, those without one last."""
    rows = [_row(card, statuses, now) for card in drawn]
    at_deadline = sorted(
        (r for r in rows if r.state in (SLAState.AT_RISK, SLAState.BREACHED)),
        key=lambda r: (r.time_left, r.card.pk),
    )
    blocked = sorted(
        (r for r in rows if r.card.is_blocked),
        key=lambda r: (
            r.card.sla_allowance is None,
            (r.card.sla_allowance or 0) - r.card.sla_consumed,
            r.card.blocked_at,
            r.card.pk,
        ),
    )
    return at_deadline, blocked


def _offset(page: Page) -> int:
    return (page.number - 1) * page.paginator.per_page


def _time_left(card, now: datetime) -> timedelta | None:
    """Negative once late. Wall-clock time while the clock runs (until `due_at`); business time
    while it is paused (allowance minus consumed), since a paused card has no due instant."""
    if card.sla_allowance is None:
        return None
    if card.sla_resumed_at is None:
        return timedelta(seconds=card.sla_allowance - card.sla_consumed)
    return card.due_at - now


def _no_risks() -> RiskReview:
    empty = Paginator([], RISKS_PAGE_SIZE).get_page(1)
    return RiskReview(
        deadlines=[],
        blocked=[],
        breached_count=0,
        at_risk_count=0,
        blocked_count=0,
        deadlines_page=empty,
        blocked_page=empty,
    )
