"""Queries that read. Each runs a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
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
) -> list[BoardColumn]:
    """Columns of the board from `cards` (already filtered and visible), in process order.

    Four queries whatever the number of cards: the statuses, the true count per status (and of
    the recently finished), the first `limit_per_status` open cards of each status (oldest
    first) and the latest finished ones of the last `finished_days` days (newest first). Each
    status's cards are cut in SQL by a window, so no status starves another.
    """
    statuses = list(Status.objects.filter(process=process).order_by("order", "id"))
    if not statuses:
        return []
    since = now - timedelta(days=finished_days)
    final = [s.slug for s in statuses if s.final]
    cards = cards.filter(process=process)
    counts = {
        row["status"]: row
        for row in cards.order_by()
        .values("status")
        .annotate(n=Count("id"), recent=Count("id", filter=Q(status_changed_at__gte=since)))
    }
    drawn = list(
        _first_per_status(cards.exclude(status__in=final), ["created_at", "id"], limit_per_status)
    )
    if final:
        drawn += _first_per_status(
            cards.filter(status__in=final, status_changed_at__gte=since),
            ["-status_changed_at", "-id"],
            limit_per_status,
        )
    by_status: dict[str, list[RequestCard]] = {s.slug: [] for s in statuses}
    for card in drawn:
        by_status[card.status].append(card)
    return [
        BoardColumn(
            status=status,
            cards=by_status[status.slug],
            count=counts.get(status.slug, {}).get("n", 0),
            recent_count=counts.get(status.slug, {}).get("recent", 0) if status.final else None,
        )
        for status in statuses
    ]


def _first_per_status(cards: QuerySet, order: list[str], limit: int) -> list[RequestCard]:
    # The window ranks ids only; the drawn cards are then read with their joins, so the joins
    # run for the few drawn rows, not for every card of the process.
    ordering = [F(o[1:]).desc() if o.startswith("-") else F(o).asc() for o in order]
    ranked = (
        cards.annotate(rank=Window(RowNumber(), partition_by=[F("status")], order_by=ordering))
        .filter(rank__lte=limit)
        .values("pk")
    )
    return list(
        RequestCard.objects.select_related(*CARD_RELATED).filter(pk__in=ranked).order_by(*order)
    )


def my_queue(*, user) -> QuerySet[RequestCard]:
    """Open cards where I am responsible, or executor of the process, by time left: running
    deadlines soonest (most overdue) first, then paused clocks by the business time left, then
    cards without a deadline, oldest first."""
    executor_processes = grants_of(user).filter(kind=RoleKind.EXECUTOR).values("process_id")
    final_status = Status.objects.filter(
        process_id=OuterRef("process_id"), slug=OuterRef("status"), final=True
    )
    return (
        cards_visible_to(user)
        .filter(Q(responsible=user) | Q(process_id__in=executor_processes))
        .exclude(Exists(final_status))
        .alias(
            left=F("sla_allowance") - F("sla_consumed"),
            # 0: the clock runs; 1: paused (it may keep a deadline that has already passed,
            # for the history, but nothing is running out); 2: no deadline.
            clock=Case(
                When(sla_resumed_at__isnull=False, due_at__isnull=False, then=Value(0)),
                When(sla_allowance__isnull=False, then=Value(1)),
                default=Value(2),
            ),
        )
        .order_by(
            "clock",
            F("due_at").asc(nulls_last=True),
            F("left").asc(nulls_last=True),
            "created_at",
            "id",
        )
    )


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
