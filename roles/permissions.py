"""The one place that decides who may see and do what. Views and API endpoints ask here."""

from collections import defaultdict

from django.db.models import Q, QuerySet

from roles.selectors import grant_rows_of, grants_of


class RoleMap:
    """A user's process roles, loaded in one query: {process_id: {kind, ...}}."""

    def __init__(self, user, rows=None):
        """`rows`: the user's grant rows (`roles.selectors.grant_rows_of`) when already read;
        without them, one query reads them."""
        self.user = user
        self._by_process: dict[int, set[str]] = defaultdict(set)
        # {(process_id, kind): {authority, ...}}: which exceptions an approver grant decides.
        self._authorities: dict[tuple[int, str], set[str]] = defaultdict(set)
        # {process_id: {group id, ...}}: the user's groups that hold a grant there (a status's
        # stage role is such a group).
        self._groups: dict[int, set[int]] = defaultdict(set)
        # {(process_id, kind): {group id, or None for a grant to the user}}: where a role comes
        # from (my queue tells a stage role's members from the other executors).
        self._sources: dict[tuple[int, str], set[int | None]] = defaultdict(set)
        if user is not None and user.is_authenticated and user.is_active:
            for process_id, kind, authority, group_id in (
                grant_rows_of(user) if rows is None else rows
            ):
                self._by_process[process_id].add(kind)
                self._authorities[(process_id, kind)].add(authority)
                self._sources[(process_id, kind)].add(group_id)
                if group_id is not None:
                    self._groups[process_id].add(group_id)

    def kinds(self, process_id: int) -> set[str]:
        return self._by_process.get(process_id, set())

    def process_ids(self) -> set[int]:
        return set(self._by_process)

    def may_see_process(self, process_id: int) -> bool:
        return bool(self.kinds(process_id))

    def may_act(self, process_id: int, allowed_kinds) -> bool:
        return bool(self.kinds(process_id) & set(allowed_kinds))

    def granted_through(self, kind: str) -> dict[int, set[int | None]]:
        """{process_id: the groups granting the user `kind` there (None: granted to them)}."""
        return {p: set(groups) for (p, k), groups in self._sources.items() if k == kind}

    def in_group(self, process_id: int, group_id: int) -> bool:
        """Whether the user belongs to `group_id`, a group granted a role in the process."""
        return group_id in self._groups.get(process_id, ())

    def may_decide(self, process_id: int, kind: str, authority: str) -> bool:
        """Whether a grant of `kind` decides exceptions of `authority` (blank grants: all)."""
        held = self._authorities.get((process_id, kind), set())
        return bool(held) and ("" in held or not authority or authority in held)

    def decision_scopes(self) -> list[tuple[int, str, str]]:
        """(process_id, kind, authority) of every grant; the inbox filters requests by them."""
        return sorted(
            (p, k, a) for (p, k), authorities in self._authorities.items() for a in authorities
        )

    def as_list(self) -> list[tuple[int, str]]:
        return sorted((p, k) for p, kinds in self._by_process.items() for k in kinds)


def role_map(user) -> RoleMap:
    """Cache the role map on the user object for the rest of the request."""
    cached = getattr(user, "_opmodel_role_map", None)
    if cached is None:
        cached = RoleMap(user)
        if user is not None:
            try:
                user._opmodel_role_map = cached
            except AttributeError:
                pass
    return cached


def role_map_seed(user, rows) -> None:
    """Cache the role map of the grant `rows` already read for `user` (with another read: the
    API's card actions), unless the request read it already."""
    if getattr(user, "_opmodel_role_map", None) is None:
        user._opmodel_role_map = RoleMap(user, rows=rows)


def visible_process_ids(user) -> set[int]:
    return role_map(user).process_ids()


def processes_filter(user, field: str = "process_id") -> Q:
    """A filter for rows of processes the user holds any role in."""
    return Q(**{f"{field}__in": grants_of(user).values("process_id")})


def restrict_to_visible(queryset: QuerySet, user, field: str = "process_id") -> QuerySet:
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(processes_filter(user, field))


# Who may edit a card's data and line items, block and unblock it, upload documents.
CARD_EDITOR_KINDS = frozenset({"executor", "accountable"})
