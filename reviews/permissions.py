"""Who may see and act on reviews, asked of roles.permissions' one role map.

See: the reviews and decisions of processes where the user holds any role. Open, close and
record decisions in a review: the process's accountable role or the rhythm's facilitator role.
Close a decision (done or dropped): its owner alone.
"""

from django.db.models import QuerySet

from roles.models import RoleKind
from roles.permissions import restrict_to_visible, role_map


def restrict_reviews(queryset: QuerySet, user) -> QuerySet:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    return restrict_to_visible(queryset, user)


def may_see_process(user, process_id: int) -> bool:
    return role_map(user).may_see_process(process_id)


def may_run(user, process_id: int, facilitator_kind: str | None = None) -> bool:
    kinds = {RoleKind.ACCOUNTABLE} | ({facilitator_kind} if facilitator_kind else set())
    return role_map(user).may_act(process_id, kinds)


def may_close_decision(user, decision) -> bool:
    return decision.owner_id == user.pk
