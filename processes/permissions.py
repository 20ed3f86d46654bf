"""Who may change a process's cards, asked of roles.permissions' one role map: the executor and
the accountable role (CARD_EDITOR_KINDS). Pages ask `may_edit_cards` to show or hide a control;
services and the apps above (stock's reservations, documents) call `require_card_editor`, which
refuses with a 403 naming the action."""

from opmodel.errors import Forbidden
from roles.permissions import CARD_EDITOR_KINDS, role_map


def may_edit_cards(user, process_id: int) -> bool:
    return role_map(user).may_act(process_id, CARD_EDITOR_KINDS)


def require_card_editor(actor, process_id: int, action: str) -> None:
    """Refuse (403) unless `actor` may change cards of the process; `action` ends the message:
    "Only the executor or accountable of this process may <action>."."""
    if not may_edit_cards(actor, process_id):
        raise Forbidden(f"Only the executor or accountable of this process may {action}.")


def may_create_process(user) -> bool:
    """Who may create a process (from a document, a template or a clone): a superuser, or a
    person who is accountable (owns the outcome) in some process already."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = role_map(user)
    return any("accountable" in roles.kinds(p) for p in roles.process_ids())
