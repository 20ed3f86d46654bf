"""Queries about who holds which process role. Set-based: one query whatever the numbers."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet

from roles.models import ProcessRole, RoleKind


def grants_of(user) -> QuerySet[ProcessRole]:
    """The user's grants: their own and those of their groups."""
    return ProcessRole.objects.filter(Q(user=user) | Q(group__in=user.groups.all()))


def grant_rows_of(user) -> list[tuple[int, str, str, int | None]]:
    """(process id, kind, authority, group id or None) of the grants of `grants_of`, read with
    one prepared statement: every request that checks a role reads these, and building the
    ORM's query (a subquery over the user's groups) cost about as much as running it."""
    sql, params = grant_rows_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The columns of `grant_rows_sql`, in order.
GRANT_COLUMNS = ["process_id", "kind", "authority", "group_id"]


def grant_rows_sql(user) -> tuple[str, list]:
    """The SELECT of `grant_rows_of` and its parameters, to run it alone or inside another read
    (the API's card actions read the actor's grants with the card)."""
    memberships = get_user_model().groups.through._meta
    sql = (
        f"SELECT {', '.join(GRANT_COLUMNS)} FROM {ProcessRole._meta.db_table}"
        f" WHERE user_id = %s OR group_id IN (SELECT {memberships.get_field('group').column}"
        f" FROM {memberships.db_table} WHERE {memberships.get_field('user').column} = %s)"
    )
    return sql, [user.pk, user.pk]


@dataclass(frozen=True)
class RoleHolders:
    """Who holds which role kind in which process: {(process id, kind): {(authority, user id)}}.

    Users come from direct grants and from the members of granted groups. Whether a user is
    active is left to the caller (the notifications service sends to active users only).
    """

    grants: dict[tuple[int, str], set[tuple[str, int]]] = field(default_factory=dict)
    # {(process id, event): user ids} of the informed grants that name the event.
    informed_of: dict[tuple[int, str], set[int]] = field(default_factory=dict)

    def users(self, process_id: int, kind: str, authority: str | None = None) -> set[int]:
        """Ids of the users holding `kind` in the process. With `authority`, only those whose
        grant decides it: a blank grant decides every authority, and a blank authority is
        decided by any grant (the rule of `roles.permissions.RoleMap.may_decide`)."""
        return {
            user_id
            for held, user_id in self.grants.get((process_id, kind), ())
            if authority is None or not authority or not held or held == authority
        }

    def informed(self, process_id: int, event: str) -> set[int]:
        """Ids of the users whose informed grant in the process names `event` (ask for
        `RoleKind.INFORMED` among the kinds)."""
        return set(self.informed_of.get((process_id, event), ()))


def role_holders(
    *, process_ids: Collection[int], kinds: Collection[str], authority: str | None = None
) -> RoleHolders:
    """Who holds the role `kinds` in the processes, granted directly or through a group, in one
    query. With `authority`, only grants that decide it (blank grants decide everything)."""
    grants = ProcessRole.objects.filter(process_id__in=set(process_ids), kind__in=set(kinds))
    if authority:
        grants = grants.filter(Q(authority="") | Q(authority=authority))
    found: dict[tuple[int, str], set[tuple[str, int]]] = defaultdict(set)
    informed: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = grants.values_list(
        "process_id", "kind", "authority", "informed_of", "user_id", "group__user__id"
    )
    for process_id, kind, held, events, user_id, member_id in rows:
        for holder in (user_id, member_id):
            if holder is not None:
                found[(process_id, kind)].add((held, holder))
                if kind == RoleKind.INFORMED:
                    # Read here: SQLite cannot search inside a JSON list.
                    for event in events or ():
                        informed[(process_id, event)].add(holder)
    return RoleHolders(grants=dict(found), informed_of=dict(informed))


def people_holding(grants: QuerySet[ProcessRole]) -> QuerySet:
    """Active users holding one of `grants`, directly or through a group, each once, ordered
    by name: the one answer to "who holds a role here" for pickers, filters and forms."""
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


def people_holding_role_in(process) -> QuerySet:
    """Active users holding a role in the process, directly or through a group."""
    return people_holding(ProcessRole.objects.filter(process_id=process.pk))
