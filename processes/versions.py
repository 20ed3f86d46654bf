"""The rule history (README, "A process as a document, templates and the rule history"):
every recorded change to a process's definition writes one `DefinitionVersion` (who, when,
what changed in words, the document after).

A change is recorded inside `definition_changes(by=...)`: the import, the admin's pages of the
definition (processes/admin.py) and apps above (reviews' rhythm) open it around their work. The
first time a row of a process's definition is about to change inside it (pre_save, pre_delete,
the transition sources' m2m pre_* signals: `definition_touched`), the process's document as it
stands is kept; when the block ends without an error, each touched process gets ONE version
whose words are the difference between that document and the one after, in the block's
transaction (the process row is locked from the first change on, so two editors of one process
change it one after the other, and their versions say each one's change).

Changes made outside such a block (a data migration, the shell) are not lost: the next recorded
change first writes a version "changed outside the recorded paths" with their words, by nobody.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.utils import timezone

from processes.blueprints.changes import document_changes
from processes.blueprints.export import process_document
from processes.definition import receiver_connect
from processes.models import (
    DEFINITION_ROWS,
    BusinessCalendar,
    DefinitionVersion,
    Holiday,
    Process,
    Transition,
)
from roles.models import ProcessRole

BASELINE = "The definition as it stood before its first recorded change."
OUTSIDE = "Changed outside the recorded paths (a data migration or the shell): "


@dataclass
class _Unit:
    by: object
    now: object = None
    before: dict[int, dict] = field(default_factory=dict)
    quiet: set[int] = field(default_factory=set)  # processes whose version the caller writes


_unit: contextvars.ContextVar[_Unit | None] = contextvars.ContextVar(
    "definition_changes", default=None
)


@contextmanager
def definition_changes(*, by=None, now=None):
    """Record the definition changes made in the block as one version per process, by `by`,
    at `now` (default: the clock at the block's end). Opens a transaction; nested blocks join
    the outer one."""
    outer = _unit.get()
    if outer is not None:
        yield outer
        return
    unit = _Unit(by=by if getattr(by, "is_authenticated", False) else None, now=now)
    token = _unit.set(unit)
    try:
        with transaction.atomic():
            yield unit
            _unit.set(None)
            for process_id, before in unit.before.items():
                if process_id not in unit.quiet:
                    version_record(process_id, before=before, by=unit.by, now=unit.now)
    finally:
        _unit.reset(token)


def definition_touched(process_id: int | None) -> None:
    """A row of the process's definition is about to change (receivers call this)."""
    unit = _unit.get()
    if unit is None or not process_id or process_id in unit.before:
        return
    # The process row is locked first: of two editors of one process, the second waits here
    # for the first's commit and reads the definition as the first left it (its words then
    # name its own change only).
    process = (
        Process.objects.select_for_update(of=("self",))
        .select_related("calendar")
        .filter(pk=process_id)
        .first()
    )
    if process is not None:
        unit.before[process_id] = process_document(process)


def definition_quiet(process_id: int) -> None:
    """The caller writes this process's version itself (an import writes version 1)."""
    unit = _unit.get()
    if unit is not None:
        unit.quiet.add(process_id)


def _write(process, number, by, changes, document, now):
    return DefinitionVersion.objects.create(
        process=process, number=number, at=now, by=by, changes=changes, document=document
    )


def version_record(
    process_id: int, *, before: dict | None, by=None, words: list[str] | None = None, now=None
) -> DefinitionVersion | None:
    """Write the version of a change from `before` (None: a new process) to the definition as
    it is now; nothing when nothing changed. `words` replace the computed ones (a creation)."""
    now = now or timezone.now()
    process = (
        Process.objects.select_for_update(of=("self",))
        .select_related("calendar")
        .filter(pk=process_id)
        .first()
    )
    if process is None:  # deleted in the block
        return None
    after = process_document(process)
    changes = words if words is not None else document_changes(before or {}, after)
    if not changes:
        return None
    last = DefinitionVersion.objects.filter(process=process).order_by("-number").first()
    number = last.number if last else 0
    if before is not None:
        if last is None:
            number += 1
            _write(process, number, None, [BASELINE], before, now)
        elif last.document != before:
            number += 1
            outside = [OUTSIDE + c for c in document_changes(last.document, before)]
            _write(process, number, None, outside or [OUTSIDE.rstrip(": ")], before, now)
    return _write(process, number + 1, by, changes, after, now)


# Apps above say which of their records a version carried out (reviews: the decision), for
# whole lists of versions at once: link(version ids) -> {version id: record id}.
VERSION_LINKS: dict[str, object] = {}


def version_link_register(*, name: str, link) -> None:
    VERSION_LINKS[name] = link


def version_links(version_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for link in VERSION_LINKS.values():
        for version_id, record_id in link(version_ids).items():
            found.setdefault(version_id, record_id)
    return found


def version_at(process, instant) -> DefinitionVersion | None:
    """The version in force at `instant` (the last written at or before it)."""
    return (
        DefinitionVersion.objects.filter(process=process, at__lte=instant)
        .order_by("-number")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# The receivers: the first change to a process's rows in a block keeps its document before.


def _row_touched(sender, instance, raw=False, **kwargs):
    if not raw:
        definition_touched(instance.process_id)


def _process_touched(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        definition_touched(instance.pk)


def _grant_touched(sender, instance, raw=False, **kwargs):
    if not raw and instance.group_id:
        definition_touched(instance.process_id)


def _calendar_touched(sender, instance, raw=False, **kwargs):
    if raw or _unit.get() is None:
        return
    calendar_id = instance.calendar_id if isinstance(instance, Holiday) else instance.pk
    for process_id in Process.objects.filter(calendar_id=calendar_id).values_list("pk", flat=True):
        definition_touched(process_id)


def _sources_touched(sender, instance, action, **kwargs):
    if action.startswith("pre_") and isinstance(instance, Transition):
        definition_touched(instance.process_id)


def connect() -> None:
    before = {"save": pre_save, "delete": pre_delete, "uid": "version"}
    receiver_connect(_row_touched, DEFINITION_ROWS, **before)
    pre_save.connect(_process_touched, sender=Process, dispatch_uid="version-process")
    receiver_connect(_grant_touched, (ProcessRole,), **before)
    receiver_connect(_calendar_touched, (BusinessCalendar, Holiday), **before)
    m2m_changed.connect(
        _sources_touched, sender=Transition.sources.through, dispatch_uid="version-sources"
    )


class VersionedAdmin:
    """A ModelAdmin mixin for the pages that edit a definition: each save, delete or list edit
    is one recorded change, by the person signed in (one version per process it touched)."""

    def changeform_view(self, request, *args, **kwargs):
        with definition_changes(by=request.user):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with definition_changes(by=request.user):
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with definition_changes(by=request.user):
            return super().changelist_view(request, *args, **kwargs)
