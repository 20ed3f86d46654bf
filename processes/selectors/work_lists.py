"""The lists people work from, drawn fast from many cards: the board's columns and my queue's
pages. Each reads a fixed number of queries whatever the data size, and none sorts or ranks every
card of a process where an index can be walked to a limit (bench/board_pages.py)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Min,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from processes.models import Event, EventKind, Process, RequestCard, Status
from processes.models.cards import SLA_LEFT
from processes.selectors import CARD_RELATED, cards_visible_to
from processes.sla import STATUS_CLOCK
from roles.models import RoleKind
from roles.permissions import role_map

# What a board tile shows (processes/views/board_tiles.py), and the board's order.
TILE_FIELDS = (
    "process_id",
    "title",
    "priority",
    "status",
    "version",
    "is_blocked",
    "block_note",
    "created_at",
    "status_changed_at",
    "promised_on",
    "shipped_on",
    *STATUS_CLOCK.fields,
    "client__name",
    "responsible__username",
    "responsible__first_name",
    "responsible__last_name",
    "block_reason__name",
)


@dataclass
class BoardColumn:
    status: Status
    cards: list[RequestCard]
    # Every card in the status that matches the filters, however many are drawn.
    count: int
    # Finished statuses draw only the cards finished since `since`; this many of them.
    recent_count: int | None = None
    # Of `count`: the blocked cards and those without a responsible.
    blocked_count: int = 0
    unassigned_count: int = 0
    # The drawn cards' markup, filled in by the page (views/board_tiles.py).
    tiles: list = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return len(self.cards) < (self.count if self.recent_count is None else self.recent_count)


def board(
    *,
    cards: QuerySet[RequestCard],
    process: Process,
    now: datetime,
    limit_per_status: int = 50,
    finished_days: int = 7,
    filtered: bool = False,
) -> list[BoardColumn]:
    """Columns of the board from `cards` (already filtered and visible), in process order.

    Three queries whatever the number of cards: the statuses, the true count per status (of an
    open one also its blocked cards and those without a responsible; of a finished one those
    finished recently), and the cards drawn: the first `limit_per_status` open cards of each
    status (oldest first) and the latest finished ones of the last `finished_days` days (newest
    first). Each status is cut on its own, so no status starves another. `filtered`: the
    filters leave few cards, which are ranked in one pass rather than each status walked.
    """
    statuses = list(Status.objects.filter(process=process).order_by("order", "id"))
    if not statuses:
        return []
    since = now - timedelta(days=finished_days)
    cards = cards.filter(process=process)

    # Three counts in one statement, each answered by an index alone and none of them filtering
    # inside the aggregate (that doubled its time): every status's cards (the status column is
    # counted, never empty: the id would need every card's row); the finished ones of the last
    # days (card_status_moved); the open ones blocked or without a responsible
    # (card_process_status_clock).
    def counted(part, **counts):
        zero = dict.fromkeys(("n", "recent", "blocked", "unassigned"), Value(0))
        return part.order_by().values("status").annotate(**(zero | counts))

    final = [s.slug for s in statuses if s.final]
    per_status = counted(cards, n=Count("status"))
    finished_recently = counted(
        cards.filter(status__in=final, status_changed_at__gte=since), recent=Count("status")
    )
    open_problems = counted(
        cards.filter(Q(is_blocked=True) | Q(responsible__isnull=True)).filter(
            status__in=[s.slug for s in statuses if not s.final]
        ),
        blocked=Count("status", filter=Q(is_blocked=True)),
        unassigned=Count("status", filter=Q(responsible__isnull=True)),
    )
    counts: dict[str, dict] = {}
    for row in per_status.union(finished_recently, open_problems, all=True):
        total = counts.setdefault(row["status"], dict.fromkeys(row, 0))
        for name in ("n", "recent", "blocked", "unassigned"):
            total[name] += row[name]
    open_cards = cards.exclude(status__in=final)
    recent = cards.filter(status__in=final, status_changed_at__gte=since)
    oldest, newest = ["created_at", "id"], ["-status_changed_at", "-id"]
    if filtered:
        # The filters leave few cards: one pass ranks them within each status.
        ids = _first_ranked(open_cards, oldest, limit_per_status).union(
            _first_ranked(recent, newest, limit_per_status), all=True
        )
    else:
        # One slice per status, glued with UNION ALL: each walks its status's index in order
        # and stops at the limit, where ranking would read every card of the process.
        ids = ids_of_slices(
            [open_cards.filter(status=s.slug).order_by(*oldest) for s in statuses if not s.final]
            + [recent.filter(status=s.slug).order_by(*newest) for s in statuses if s.final],
            limit=limit_per_status,
        )
    # Only what a tile shows is read (their process is the board's, not joined again).
    drawn = (
        RequestCard.objects.select_related("client", "responsible", "block_reason")
        .only(*TILE_FIELDS)
        .filter(pk__in=ids)
    )
    by_status: dict[str, list[RequestCard]] = {s.slug: [] for s in statuses}
    for card in drawn:
        by_status[card.status].append(card)
    for status in statuses:
        by_status[status.slug].sort(
            key=(lambda c: (-c.status_changed_at.timestamp(), -c.pk))
            if status.final
            else (lambda c: (c.created_at, c.pk))
        )
    none = dict.fromkeys(("n", "recent", "blocked", "unassigned"), 0)
    return [
        BoardColumn(
            status=status,
            cards=by_status[status.slug],
            count=counts.get(status.slug, none)["n"],
            recent_count=counts.get(status.slug, none)["recent"] if status.final else None,
            blocked_count=counts.get(status.slug, none)["blocked"],
            unassigned_count=counts.get(status.slug, none)["unassigned"],
        )
        for status in statuses
    ]


def _first_ranked(cards: QuerySet, order: list[str], limit: int) -> QuerySet:
    """The ids of the first `limit` of `cards` in each status, by `order`."""
    ordering = [F(o[1:]).desc() if o.startswith("-") else F(o).asc() for o in order]
    return (
        cards.annotate(rank=Window(RowNumber(), partition_by=[F("status")], order_by=ordering))
        .filter(rank__lte=limit)
        .order_by()
        .values("pk")
    )


def ids_of_slices(slices: list[QuerySet[RequestCard]], limit: int | None = None) -> QuerySet:
    """The cards' ids of several ordered, sliced querysets (or each cut to `limit`) in one
    statement (UNION ALL), for `pk__in=`. SQLite refuses LIMIT inside a compound statement's
    parts: there each slice is wrapped in an IN of its own."""
    ids = [(part[:limit] if limit is not None else part).values("pk") for part in slices]
    if not connection.features.supports_slicing_ordering_in_compound:
        ids = [RequestCard.objects.filter(pk__in=part).order_by().values("pk") for part in ids]
    return ids[0].union(*ids[1:], all=True) if len(ids) > 1 else ids[0]


def my_queue(*, user) -> QuerySet[RequestCard]:
    """Open cards where I am responsible, or that I execute, by time left (see `by_time_left`).

    I execute a process's cards in its ordinary statuses when I hold the executor role there
    myself or through a group that is no stage role; a stage role's members find the cards
    handed to it, waiting for pick-up (docs/design.md, "Handoffs by stage"). The grants come
    from the request's role map; one query reads the stage statuses."""
    grants = role_map(user).granted_through(RoleKind.EXECUTOR)
    stages: dict[int, dict[str, int]] = {}
    if grants:
        for process_id, slug, group_id in Status.objects.filter(
            process_id__in=set(grants), stage_group__isnull=False
        ).values_list("process_id", "slug", "stage_group_id"):
            stages.setdefault(process_id, {})[slug] = group_id
    executes = Q(responsible=user)
    for process_id, held in sorted(grants.items()):
        staged = stages.get(process_id, {})
        if None in held or held - set(staged.values()):
            executes |= Q(process_id=process_id) & ~Q(status__in=list(staged))
        mine = [slug for slug, group in staged.items() if group in held]
        if mine:
            executes |= Q(process_id=process_id, status__in=mine, responsible__isnull=True)
    return by_time_left(cards_visible_to(user).filter(executes).open())


# The queue's three kinds of clock, in the order the queue lists them (see `by_time_left`).
_RUNNING_DEADLINE = Q(sla_resumed_at__isnull=False, due_at__isnull=False)
CLOCK_KINDS = [
    _RUNNING_DEADLINE,  # the clock runs
    # paused: it may keep a deadline that has already passed, for the history, but nothing is
    # running out
    ~_RUNNING_DEADLINE & Q(sla_allowance__isnull=False),
    ~_RUNNING_DEADLINE & Q(sla_allowance__isnull=True),  # no deadline
]


def by_time_left(cards: QuerySet[RequestCard]) -> QuerySet[RequestCard]:
    """Running deadlines soonest (most overdue) first, then paused clocks by the business time
    left, then cards without a deadline, oldest first."""
    return cards.alias(
        left=SLA_LEFT,
        clock=Case(
            *(When(kind, then=Value(k)) for k, kind in enumerate(CLOCK_KINDS[:2])), default=Value(2)
        ),
    ).order_by("clock", *_IN_A_KIND)


# The order within one kind of clock.
_IN_A_KIND = [F("due_at").asc(nulls_last=True), F("left").asc(nulls_last=True), "created_at", "id"]


def page_by_time_left(cards: QuerySet[RequestCard], number, per_page: int, related=()):
    """One page of `cards` in `by_time_left` order, and its cards, in two queries, without
    sorting every card: the count of each kind of clock, then the page's slice of each kind
    (running deadlines walk the running-clock index by due instant) read in one statement."""
    counts = cards.aggregate(
        # (The status, never empty, is counted: the card_process_status_clock index answers.)
        **{f"k{k}": Count("status", filter=kind) for k, kind in enumerate(CLOCK_KINDS)}
    )
    sizes = [counts[f"k{k}"] for k in range(len(CLOCK_KINDS))]
    page = Paginator(range(sum(sizes)), per_page).get_page(number)
    start, end, parts = (page.number - 1) * per_page, page.end_index(), []
    for kind, size in zip(CLOCK_KINDS, sizes, strict=True):
        low, high = max(start, 0), min(end, size)
        if low < high:
            parts.append(cards.filter(kind).alias(left=SLA_LEFT).order_by(*_IN_A_KIND)[low:high])
        start, end = start - size, end - size
    if not parts:
        return page, []
    drawn = by_time_left(RequestCard.objects.select_related(*CARD_RELATED, *related)).filter(
        pk__in=ids_of_slices(parts)
    )
    return page, list(drawn)


def started_at(*, process, card_ids) -> dict:
    """When each card started (its first transition out of the process's first status), in one
    query: the age the service level expectation is compared with."""
    first = Status.objects.filter(process=process).order_by("order", "id").values("slug")[:1]
    return dict(
        Event.objects.filter(
            card_id__in=list(card_ids), kind=EventKind.TRANSITION, from_status__in=first
        )
        .values("card_id")
        .annotate(started=Min("at"))
        .values_list("card_id", "started")
    )
