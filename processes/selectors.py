"""Queries that read. Each runs a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from processes.models import (
    ApprovalRequest,
    ApprovalStatus,
    Event,
    ExceptionRule,
    Process,
    RequestCard,
    SavedView,
    Status,
    StatusOutcome,
    Transition,
)
from processes.sla import STATUS_CLOCK
from roles.models import ProcessRole, RoleKind
from roles.permissions import restrict_to_visible, role_map
from roles.selectors import grants_of


def processes_visible_to(user) -> QuerySet[Process]:
    return restrict_to_visible(Process.objects.all(), user, field="id")


def process_from_query(
    params, *, processes: list[Process], required: bool = False
) -> tuple[Process | None, dict[str, list[str]]]:
    """The process a request's `?process=<slug>` picks among `processes` (those the user may
    see, in the order offered), and the errors of the choice.

    An unknown slug (or one the user may not see: the same answer, so nothing leaks) gives no
    process and an error; pages answer it with 404. Without a slug: an error if `required`,
    else the first process (None when there is none).
    """
    slug = (params.get("process") or "").strip()
    if slug:
        process = next((p for p in processes if p.slug == slug), None)
        if process is None:
            return None, {"process": [f"There is no process “{slug}” among yours."]}
        return process, {}
    if required:
        return None, {"process": ["Give the process, e.g. process=order-to-cash."]}
    return (processes[0] if processes else None), {}


CARD_RELATED = ("process", "client", "responsible", "block_reason")
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
    *STATUS_CLOCK.fields,
    "client__name",
    "responsible__username",
    "responsible__first_name",
    "responsible__last_name",
    "block_reason__name",
)


def cards_visible_to(user) -> QuerySet[RequestCard]:
    """Cards of the processes where the user holds any role."""
    return restrict_to_visible(RequestCard.objects.select_related(*CARD_RELATED), user)


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
    return [
        BoardColumn(
            status=status,
            cards=by_status[status.slug],
            count=counts.get(status.slug, {}).get("n", 0),
            recent_count=counts.get(status.slug, {}).get("recent", 0) if status.final else None,
            blocked_count=counts.get(status.slug, {}).get("blocked", 0),
            unassigned_count=counts.get(status.slug, {}).get("unassigned", 0),
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
    """Open cards where I am responsible, or executor of the process, by time left (see
    `by_time_left`)."""
    executor_processes = grants_of(user).filter(kind=RoleKind.EXECUTOR).values("process_id")
    final_status = Status.objects.filter(
        process_id=OuterRef("process_id"), slug=OuterRef("status"), final=True
    )
    return by_time_left(
        cards_visible_to(user)
        .filter(Q(responsible=user) | Q(process_id__in=executor_processes))
        .exclude(Exists(final_status))
    )


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
        left=F("sla_allowance") - F("sla_consumed"),
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
            parts.append(
                cards.filter(kind)
                .alias(left=F("sla_allowance") - F("sla_consumed"))
                .order_by(*_IN_A_KIND)[low:high]
            )
        start, end = start - size, end - size
    if not parts:
        return page, []
    drawn = by_time_left(RequestCard.objects.select_related(*CARD_RELATED, *related)).filter(
        pk__in=ids_of_slices(parts)
    )
    return page, list(drawn)


def card_page(*, user, card_id: int):
    """The card with everything its page shows, in a fixed number of queries."""
    return (
        cards_visible_to(user)
        .select_related("created_by", "process__calendar")
        .prefetch_related(
            "items",
            "documents",
            Prefetch("events", queryset=Event.objects.select_related("actor").order_by("at", "id")),
            Prefetch(
                "process__transitions",
                queryset=Transition.objects.select_related("target").prefetch_related("sources"),
            ),
            "process__block_reasons",
            "process__statuses",
            Prefetch(
                "process__exception_rules",
                queryset=ExceptionRule.objects.filter(is_active=True),
                to_attr="active_rules",
            ),
            Prefetch(
                "approval_requests",
                queryset=ApprovalRequest.objects.select_related(
                    "rule", "requested_by", "decided_by"
                ).order_by("-requested_at", "-id"),
            ),
        )
        .filter(pk=card_id)
        .first()
    )


def card_events(*, card: RequestCard) -> QuerySet[Event]:
    return Event.objects.filter(card=card).select_related("actor").order_by("at", "id")


def approvals_visible_to(user) -> QuerySet[ApprovalRequest]:
    """Approval requests of the processes where the user holds any role, with what a list of
    them shows (card, client, rule, requester, decider) in the same query."""
    return restrict_to_visible(
        ApprovalRequest.objects.select_related(
            "card",
            "card__client",
            "card__process__calendar",
            "rule",
            "requested_by",
            "decided_by",
        ),
        user,
        field="card__process_id",
    )


def approvals_decidable_by(user) -> QuerySet[ApprovalRequest]:
    """Pending requests the user's grants may decide (their own requests included: the page
    says why they may not), oldest first. One query: the filter is built from the role map."""
    scopes = Q(pk__in=[])
    for process_id, kind, authority in role_map(user).decision_scopes():
        scope = Q(card__process_id=process_id, rule__approver_kind=kind)
        if authority:
            scope &= Q(rule__authority__in=["", authority])
        scopes |= scope
    return (
        approvals_visible_to(user)
        .filter(scopes, status=ApprovalStatus.PENDING)
        .order_by("requested_at", "id")
    )


def approvals_requested_by(user) -> QuerySet[ApprovalRequest]:
    """The requests the user raised, pending first, then newest first ("My requests")."""
    pending_first = Case(
        When(status=ApprovalStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        approvals_visible_to(user)
        .filter(requested_by=user)
        .order_by(pending_first, "-requested_at", "-id")
    )


class Outcomes(NamedTuple):
    """What a process's statuses mean for the metrics, by slug."""

    commitment: str | None  # entering it counts as agreed (margin and discount are read there)
    won: tuple[str, ...]
    lost: tuple[str, ...]


def outcome_statuses(process: Process) -> Outcomes:
    """The process's commitment point and its won and lost final statuses, in process order,
    in one query. A final status without an outcome is neither won nor lost."""
    rows = (
        Status.objects.filter(process=process)
        .filter(Q(commitment_point=True) | ~Q(outcome=""))
        .order_by("order", "id")
        .values_list("slug", "outcome", "commitment_point")
    )
    commitment, won, lost = None, [], []
    for slug, outcome, is_commitment in rows:
        if is_commitment:
            commitment = slug
        if outcome == StatusOutcome.WON:
            won.append(slug)
        elif outcome == StatusOutcome.LOST:
            lost.append(slug)
    return Outcomes(commitment, tuple(won), tuple(lost))


def people_visible_to(user) -> QuerySet:
    """People who may be responsible for the user's cards: those holding a role, directly or
    through a group, in a process the user sees (the filters' and pickers' list)."""
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


def saved_views_of(user, page: str) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=user, page=page)
