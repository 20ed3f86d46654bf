"""Queries that read. Each runs a fixed number of queries whatever the data size."""

from typing import NamedTuple

from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

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
from processes.models.approvals import AD_HOC_AUTHORITY
from roles.models import ProcessRole, RoleKind
from roles.permissions import restrict_to_visible, role_map
from roles.selectors import people_holding


def processes_visible_to(user) -> QuerySet[Process]:
    return restrict_to_visible(Process.objects.all(), user, field="id")


def processes_by_slug(user, slugs) -> dict[str, Process]:
    """The user's processes among `slugs`, by slug, in one query. A slug missing from the
    answer is unknown or not theirs: the same answer, so a slug never tells an outsider that a
    process exists."""
    slugs = [slug for slug in slugs if slug]
    if not slugs:
        return {}
    return {p.slug: p for p in processes_visible_to(user).filter(slug__in=slugs)}


def process_by_slug(user, slug: str) -> Process | None:
    """The user's process named `slug`, or None (unknown or not theirs)."""
    return processes_by_slug(user, [slug]).get(slug)


def process_from_query(
    params, *, processes: list[Process], required: bool = False
) -> tuple[Process | None, dict[str, list[str]]]:
    """The process a request's `?process=<slug>` picks among `processes` (those the user may
    see, in the order offered), and the errors of the choice.

    An unknown slug (or one the user may not see: the same answer, so nothing leaks) gives no
    process and an error; pages answer it with 404. Without a slug: an error if `required`,
    else the process installed first among them (the pilot's, order to cash on a fresh
    database: the pages list processes by name, and "Customer service" would come first), None
    when there is none.
    """
    slug = (params.get("process") or "").strip()
    if slug:
        process = next((p for p in processes if p.slug == slug), None)
        if process is None:
            return None, {"process": [f"There is no process “{slug}” among yours."]}
        return process, {}
    if required:
        return None, {"process": ["Give the process, e.g. process=order-to-cash."]}
    return (min(processes, key=lambda p: p.pk) if processes else None), {}


CARD_RELATED = ("process", "client", "responsible", "block_reason")


def cards_visible_to(user) -> QuerySet[RequestCard]:
    """Cards of the processes where the user holds any role."""
    return restrict_to_visible(RequestCard.objects.select_related(*CARD_RELATED), user)


def card_page(*, user, card_id: int):
    """The card with everything its page shows, in a fixed number of queries."""
    return (
        cards_visible_to(user)
        .select_related(
            "created_by", "process__calendar", "client__segment", "client__account_manager"
        )
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
        if kind == RoleKind.APPROVER and authority in ("", AD_HOC_AUTHORITY):
            # The exception route's requests (no rule): the owner-level approver's.
            scopes |= Q(card__process_id=process_id, rule__isnull=True)
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
    return people_holding(restrict_to_visible(ProcessRole.objects.all(), user))


def saved_views_of(user, page: str) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=user, page=page)


def process_participants(process_ids) -> dict[int, list[dict]]:
    """Who holds which role in each process, granted directly or through a group, in one query:
    {process id: [{"user": username, "role": kind}]}, sorted by role then user."""
    found: dict[int, set[tuple[str, str]]] = {}
    rows = ProcessRole.objects.filter(process_id__in=list(process_ids)).values_list(
        "process_id", "kind", "user__username", "group__user__username"
    )
    for process_id, kind, username, member in rows:
        for holder in (username, member):
            if holder:
                found.setdefault(process_id, set()).add((kind, holder))
    return {
        pid: [{"user": user, "role": kind} for kind, user in sorted(held)]
        for pid, held in found.items()
    }
