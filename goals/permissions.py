"""Who may see and change goals, asked of roles.permissions' one role map.

See: a goal of a process where the user holds any role (a goal with several processes: any of
them), a goal such a goal serves (its parent or the parent's parent), or one they own or made;
staff see all. Create and edit: the accountable role of the
processes concerned, and staff. The owner holds a role in one of the goal's processes. Check in:
the goal's owner alone, while they hold such a role.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from roles.models import ProcessRole, RoleKind
from roles.permissions import role_map


def goals_visible_filter(user) -> Q:
    from goals.models import Goal

    if user.is_staff:
        return Q()
    held = ProcessRole.objects.filter(Q(user=user) | Q(group__in=user.groups.all())).values(
        "process_id"
    )
    links = Goal.processes.through.objects.filter(goal_id=OuterRef("pk"), process_id__in=held)
    # A goal one of these serves, up to two levels above (goals/selectors/tree.py): the tree
    # reads from the company goal down to the process goals.
    served = Goal.processes.through.objects.filter(process_id__in=held).filter(
        Q(goal__parent_id=OuterRef("pk")) | Q(goal__parent__parent_id=OuterRef("pk"))
    )
    return Q(Exists(links)) | Q(Exists(served)) | Q(owner=user) | Q(created_by=user)


def restrict_goals(queryset: QuerySet, user) -> QuerySet:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    return queryset.filter(goals_visible_filter(user))


def is_accountable(user, process_id: int) -> bool:
    return user.is_staff or role_map(user).may_act(process_id, {RoleKind.ACCOUNTABLE})


def may_create_goals(user) -> bool:
    roles = role_map(user)
    return user.is_staff or any(
        roles.may_act(pid, {RoleKind.ACCOUNTABLE}) for pid in roles.process_ids()
    )


def may_edit_goal(user, goal, process_ids: set[int]) -> bool:
    """`process_ids`: the goal's processes (passed in, so a page asks no query per goal)."""
    if user.is_staff:
        return True
    if not process_ids:
        return goal.created_by_id == user.pk and may_create_goals(user)
    return any(is_accountable(user, pid) for pid in process_ids)


def holds_a_role_in_any(user, process_ids) -> bool:
    """A goal's owner must work in one of its processes (staff are no exception: owning a goal
    means answering for a process's figures)."""
    roles = role_map(user)
    return any(roles.may_see_process(pid) for pid in process_ids)


def may_check_in(user, goal, process_ids) -> bool:
    """The owner, while they hold a role in one of the goal's processes."""
    owner = goal.owner_id is not None and goal.owner_id == user.pk
    return owner and holds_a_role_in_any(user, process_ids)
