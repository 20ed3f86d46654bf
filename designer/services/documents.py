"""A whole process document applied to an existing process (PATCH /api/processes/{slug}/
definition/), through the designer's one checked, recorded change (changes.py).

The document is checked first (`document_problems`: nothing is touched when it has problems),
then the process's rows are brought to it, matched by their keys (statuses and block reasons by
slug, moves by name, SLAs and targets by status and priority, exception rules by family and
level, group roles by kind, group and authority): changed rows saved, new ones made, missing ones
removed. The definition the rows then make is checked again by `design_change`, with the
designer's own check (cards still in every status).

The parts apps above own (the rhythm) are written on their own pages: a document whose part
differs from the process's is refused with that part named.
"""

from __future__ import annotations

from django.contrib.auth.models import Group

from designer.services.changes import design_change
from processes.blueprints import DocumentInvalid, document_problems, rows
from processes.blueprints.sections import DOCUMENT_SECTIONS
from processes.models import (
    BlockReason,
    BusinessCalendar,
    DefinitionVersion,
    ExceptionRule,
    Process,
    Status,
    Transition,
)
from processes.models.calendars import STANDARD_CALENDAR_NAME
from roles.models import ProcessRole


def _save_if_changed(row, **values) -> None:
    if row.pk and all(getattr(row, k) == v for k, v in values.items()):
        return
    for key, value in values.items():
        setattr(row, key, value)
    # Only the fields given: a row read before the lock keeps what others wrote elsewhere.
    row.save(update_fields=list(values) if row.pk else None)


def _calendar(process: Process, value) -> BusinessCalendar | None:
    if value is None:
        standard = process.calendar_id and process.calendar.name == STANDARD_CALENDAR_NAME
        return process.calendar if standard else None
    return rows.calendar(value)


def _sync_roles(process: Process, document: dict) -> dict[str, Group]:
    wanted = {(r["kind"], r["group"], r.get("authority", "")) for r in document.get("roles", [])}
    groups = rows.groups(document)
    held = ProcessRole.objects.filter(process_id=process.pk, group__isnull=False).select_related(
        "group"
    )
    kept = set()
    for grant in held:
        key = (grant.kind, grant.group.name, grant.authority)
        if key in wanted:
            kept.add(key)
        else:
            grant.delete()
    for kind, group, authority in sorted(wanted - kept):
        ProcessRole.objects.create(
            process_id=process.pk, kind=kind, group=groups[group], authority=authority
        )
    return groups


def _sync(process: Process, document: dict) -> None:
    _save_if_changed(
        process,
        **rows.process_fields(document),
        calendar=_calendar(process, document.get("calendar")),
    )
    groups = _sync_roles(process, document)
    statuses = {s.slug: s for s in Status.objects.filter(process=process)}
    status_rows = document["statuses"]
    # One commitment point at most, at every save: the ones that lose it first.
    for row in status_rows:
        status = statuses.get(row["slug"])
        if status is not None and status.commitment_point and not row.get("commitment_point"):
            _save_if_changed(status, commitment_point=False)
    for order, row in enumerate(status_rows):
        status = statuses.get(row["slug"]) or Status(process=process, slug=row["slug"])
        _save_if_changed(status, **rows.status_fields(row, order=order, groups=groups))
        statuses[row["slug"]] = status

    moves = {
        t.name: t for t in Transition.objects.filter(process=process).prefetch_related("sources")
    }
    wanted_moves = {row["name"] for row in document.get("transitions", [])}
    for order, row in enumerate(document.get("transitions", [])):
        move = moves.get(row["name"]) or Transition(process=process, name=row["name"])
        _save_if_changed(move, **rows.transition_fields(row, order=order, statuses=statuses))
        sources = {statuses[s].pk for s in row["from"]}
        if not move.pk or {s.pk for s in move.sources.all()} != sources:
            move.sources.set(sources)
        moves[row["name"]] = move

    for model, status_field, part in rows.CLOCKS:
        held = {
            (getattr(c, status_field).slug, c.priority): c
            for c in model.objects.filter(process=process).select_related(status_field)
        }
        wanted = {}
        for row in document.get(part, []):
            wanted[(row["status"], rows.priority(row))] = row
        for found_key, clock in held.items():
            if found_key not in wanted:
                clock.delete()
        for (status, priority), row in wanted.items():
            clock = held.get((status, priority)) or model(process=process, priority=priority)
            _save_if_changed(clock, **{status_field: statuses[status]}, **rows.clock_fields(row))

    rules = {(r.family, r.level): r for r in ExceptionRule.objects.filter(process=process)}
    wanted_rules = {(r["family"], r["level"]): r for r in document.get("exception_rules", [])}
    for key, rule in rules.items():
        if key not in wanted_rules:
            rule.delete()
    for (family, level), row in wanted_rules.items():
        rule = rules.get((family, level)) or ExceptionRule(process=process, family=family)
        _save_if_changed(rule, **rows.exception_rule_fields(row, transitions=moves))
    for name, move in moves.items():
        if name not in wanted_moves:
            move.delete()
    wanted_statuses = {row["slug"] for row in status_rows}
    for slug, status in statuses.items():
        if slug not in wanted_statuses:
            status.delete()

    reasons = {b.slug: b for b in BlockReason.objects.filter(process=process)}
    wanted_reasons = {row["slug"] for row in document.get("block_reasons", [])}
    for slug, reason in reasons.items():
        if slug not in wanted_reasons:
            reason.delete()
    for order, row in enumerate(document.get("block_reasons", [])):
        reason = reasons.get(row["slug"]) or BlockReason(process=process, slug=row["slug"])
        _save_if_changed(reason, **rows.block_reason_fields(row, order=order))


def design_document(
    *, process: Process, by, document, seen_version: int | None = None, now=None
) -> DefinitionVersion | None:
    """Bring `process` to `document` as one checked, recorded change by `by`. Raises
    DocumentInvalid with every problem (nothing written), DesignConflict for a stale
    `seen_version` (None: no check)."""
    problems = document_problems(document)
    if not problems:
        for name, section in sorted(DOCUMENT_SECTIONS.items()):
            if document.get(name, section.empty()) != section.export(process):
                problems.append(
                    f"{name}: the designer does not change this part; change it on its own "
                    "page, or send it as the definition gives it."
                )
    if problems:
        raise DocumentInvalid(problems)
    return design_change(
        process=process,
        by=by,
        seen_version=seen_version,
        change=lambda: _sync(process, document),
        now=now,
    )
