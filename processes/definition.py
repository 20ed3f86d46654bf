"""A process's definition (transitions, SLA policies, whole-process targets, calendar, exception
rules), loaded once per process and kept in memory until the definition changes.

Every move of a card reads these rows, and they change only when someone edits the process in
the admin: reading them per move cost a third of a transition's queries (issue 15, point 13).
Each `Process` row carries a `definition_version`, a fresh UUID whenever any row of its
definition is saved or deleted (receivers below). Cards are read with their process, so the
version arrives with the card for free, and a worker whose memory holds an older version loads
the definition again: every worker process and thread sees a change at its next request, with no
shared cache to set up. A UUID, not a counter: a rolled-back change cannot bring an old number
back with other contents.

The objects held here are shared between threads: read them, never change them.
"""

import threading
import uuid
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from processes.business_time import WorkingTime
from processes.models import (
    DEFINITION_ROWS,
    BlockReason,
    BusinessCalendar,
    ExceptionRule,
    Holiday,
    Process,
    ProcessTarget,
    SLAPolicy,
    Status,
    Transition,
)


@dataclass(frozen=True)
class Stage:
    """A status executed by a stage role: the group it is handed to and how (StageAssignment)."""

    status: str
    status_name: str
    status_id: int
    group_id: int
    group_name: str
    assignment: str


@dataclass(frozen=True)
class ProcessDefinition:
    version: uuid.UUID
    year: int  # the working time's public holidays are loaded around this year
    transitions: dict[str, Transition]  # by name, each with its `target`
    sources: dict[str, frozenset[str]]  # transition name -> the status slugs it starts from
    working_time: WorkingTime
    exception_rules: list[ExceptionRule]  # the active ones
    # The statuses that a transition starts from or leads to: those executed by a stage role,
    # and the final ones (read with the transitions, no query of their own).
    stages: dict[str, Stage]
    final: frozenset[str]
    _policies: dict[tuple[int, str], SLAPolicy] = field(repr=False)
    _targets: dict[str, ProcessTarget] = field(repr=False)

    def sla_policy(self, status_id: int, priority: str) -> SLAPolicy | None:
        """The status's policy for the priority, else its policy for every priority."""
        return self._policies.get((status_id, priority)) or self._policies.get((status_id, ""))

    def target(self, priority: str) -> ProcessTarget | None:
        return self._targets.get(priority) or self._targets.get("")


_loaded: dict[int, ProcessDefinition] = {}
# The standard calendar's zone by definition version: a change to any calendar gives every
# process a new version, so a held zone is never stale, and pages that list many cards of a
# process without a calendar read the standard row once, not per card.
_standard_zones: dict[uuid.UUID, str] = {}
_lock = threading.Lock()


def process_definition(process: Process) -> ProcessDefinition:
    """The definition of `process` as of its `definition_version` (loaded if not held yet)."""
    year = timezone.now().year
    held = _loaded.get(process.pk)
    if held is not None and held.version == process.definition_version and held.year == year:
        return held
    loaded = _load(process, year)
    with _lock:
        _loaded[process.pk] = loaded
    return loaded


def definitions_forget() -> None:
    """Drop every definition held (tests start from none)."""
    with _lock:
        _loaded.clear()
        _standard_zones.clear()


def process_zone_name(process: Process) -> str:
    """The IANA zone of the calendar row the process counts on: its own, else the standard one
    (both editable in the admin)."""
    held = _loaded.get(process.pk)
    if held is not None and held.version == process.definition_version:
        return held.working_time.tz.key
    if process.calendar_id:
        return process.calendar.timezone
    zone = _standard_zones.get(process.definition_version)
    if zone is None:
        zone = BusinessCalendar.objects.standard().timezone
        with _lock:
            _standard_zones[process.definition_version] = zone
    return zone


def _load(process: Process, year: int) -> ProcessDefinition:
    transitions = list(
        Transition.objects.filter(process_id=process.pk)
        .select_related("target__stage_group")
        .prefetch_related(Prefetch("sources", Status.objects.select_related("stage_group")))
    )
    statuses = {t.target.slug: t.target for t in transitions}
    statuses |= {s.slug: s for t in transitions for s in t.sources.all()}
    calendar = process.calendar if process.calendar_id else BusinessCalendar.objects.standard()
    return ProcessDefinition(
        version=process.definition_version,
        year=year,
        transitions={t.name: t for t in transitions},
        sources={t.name: frozenset(s.slug for s in t.sources.all()) for t in transitions},
        working_time=WorkingTime.for_calendar(calendar, range(year - 1, year + 3)),
        exception_rules=list(ExceptionRule.objects.filter(process_id=process.pk, is_active=True)),
        stages={
            slug: Stage(
                slug, s.name, s.pk, s.stage_group_id, s.stage_group.name, s.stage_assignment
            )
            for slug, s in statuses.items()
            if s.stage_group_id
        },
        final=frozenset(slug for slug, s in statuses.items() if s.final),
        _policies={
            (p.status_id, p.priority): p for p in SLAPolicy.objects.filter(process_id=process.pk)
        },
        _targets={
            t.priority: t
            for t in ProcessTarget.objects.select_related("target_status").filter(
                process_id=process.pk
            )
        },
    )


# ---------------------------------------------------------------------------------------------
# A change to any row of a definition gives its process a new version.


def _bump(process_ids=None) -> None:
    processes = Process.objects.all()
    if process_ids is not None:
        processes = processes.filter(pk__in=process_ids)
    # One version for all: each process only needs one that differs from the one it had.
    processes.update(definition_version=uuid.uuid4())


def _process_row_changed(sender, instance, **kwargs):
    _bump([instance.process_id])


def _process_changed(sender, instance, raw=False, **kwargs):
    # Its calendar may be another one now. (An update(), not save(): no signal loops back.)
    if not raw:
        _bump([instance.pk])


def _calendar_changed(sender, instance, **kwargs):
    # The standard calendar serves every process without one: all of them may use it.
    _bump()


def _sources_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Transition):
        _bump([instance.process_id])


def receiver_connect(receiver, models, *, save, delete, uid: str) -> None:
    """`receiver` on the `save` and `delete` signals of each of `models`, once (by `uid`)."""
    for model in models:
        save.connect(receiver, sender=model, dispatch_uid=f"{uid}-{model.__name__}-save")
        delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-{model.__name__}-delete")


def connect() -> None:
    after = {"save": post_save, "delete": post_delete, "uid": "definition"}
    # Block reasons are read from the database when a card is blocked, never held here.
    rows = [m for m in DEFINITION_ROWS if m is not BlockReason]
    receiver_connect(_process_row_changed, rows, **after)
    post_save.connect(_process_changed, sender=Process, dispatch_uid="definition-process")
    receiver_connect(_calendar_changed, (BusinessCalendar, Holiday), **after)
    m2m_changed.connect(
        _sources_changed, sender=Transition.sources.through, dispatch_uid="definition-sources"
    )
