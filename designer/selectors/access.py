"""Who may design a process, and the process for a designer page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from processes.models import Process
from roles.models import RoleKind
from roles.permissions import role_map


def may_design(user, process: Process) -> bool:
    """The process's owner, its accountable role holders, and staff (superusers and people
    with the admin's staff flag) edit its rules; nobody else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff or process.owner_id == user.pk:
        return True
    return RoleKind.ACCOUNTABLE in role_map(user).kinds(process.pk)


def process_to_design(user, slug: str) -> Process:
    """The process for a designer page: 404 for a person who holds no role in it (they may
    not know it exists), 403 for a role holder who may not change its rules."""
    process = Process.objects.select_related("calendar", "owner").filter(slug=slug).first()
    if process is None:
        raise Http404("No such process.")
    if may_design(user, process):
        return process
    if role_map(user).may_see_process(process.pk):
        raise PermissionDenied(
            "Only the owner or the accountable of this process change its rules."
        )
    raise Http404("No such process.")
