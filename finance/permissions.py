"""Who may do what with the money (asking roles, the one permission place).

Finance (issue 24): a member of the "Finance" group who sees the card's
process, or a holder of the approver grant with the authority "finance" in it (the demo's
finance user). Reading the receivables: finance, and the process's accountable or owner.
"""

from processes.models import Process, RequestCard
from roles.models import RoleKind
from roles.permissions import role_map
from roles.selectors import grants_of

FINANCE_GROUP = "Finance"
FINANCE_AUTHORITY = "finance"


def finance_process_ids(user) -> set[int]:
    """The processes in which `user` is finance (two queries at most)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    held = set(
        grants_of(user)
        .filter(kind=RoleKind.APPROVER, authority=FINANCE_AUTHORITY)
        .values_list("process_id", flat=True)
    )
    if user.groups.filter(name=FINANCE_GROUP).exists():
        held |= role_map(user).process_ids()
    return held


def may_record_payment(user, card: RequestCard) -> bool:
    return card.process_id in finance_process_ids(user)


def receivables_process_ids(user) -> set[int]:
    """The processes whose receivables `user` may read: finance, accountable or owner."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    roles = role_map(user)
    ids = finance_process_ids(user)
    ids |= {p for p in roles.process_ids() if RoleKind.ACCOUNTABLE in roles.kinds(p)}
    ids |= set(Process.objects.filter(owner=user).values_list("pk", flat=True))
    return ids
