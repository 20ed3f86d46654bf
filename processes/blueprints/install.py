"""A new process from a checked document, in one transaction (checks.py first: any problem and
nothing is written). Clone = export then import under a new slug."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from processes.blueprints import rows
from processes.blueprints.checks import UNSTORABLE, DocumentInvalid, document_problems
from processes.blueprints.export import process_document
from processes.blueprints.sections import DOCUMENT_SECTIONS
from processes.models import (
    BlockReason,
    ExceptionRule,
    Process,
    Status,
    Transition,
)
from roles.models import ProcessRole, RoleKind

RESERVED_SLUGS = {"new"}  # /processes/new/ is the "New process" page


def _name_problems(slug, name) -> list[str]:
    problems = []
    field = Process._meta.get_field("slug")
    try:
        field.clean(slug, None)
    except ValidationError as error:
        problems += [f"slug: {m}" for m in error.messages]
    else:
        if slug in RESERVED_SLUGS:
            problems.append(f"slug: {slug!r} names a page; choose another.")
        elif Process.objects.filter(slug=slug).exists():
            problems.append(f"slug: a process {slug!r} exists already.")
    if not isinstance(name, str) or not name.strip():
        problems.append("name: give the process a name.")
    elif len(name) > Process._meta.get_field("name").max_length:
        problems.append("name: at most 120 characters.")
    elif UNSTORABLE.search(name):
        problems.append("name: it holds a character that cannot be stored.")
    return problems


def _install(process: Process, document: dict) -> None:
    groups = rows.groups(document)
    for row in document.get("roles", []):
        ProcessRole.objects.create(
            process_id=process.pk,
            kind=row["kind"],
            group=groups[row["group"]],
            authority=row.get("authority", ""),
        )
    statuses = {}
    for order, row in enumerate(document["statuses"]):
        statuses[row["slug"]] = Status.objects.create(
            process=process, slug=row["slug"], **rows.status_fields(row, order=order, groups=groups)
        )
    transitions = {}
    for order, row in enumerate(document.get("transitions", [])):
        transition = Transition.objects.create(
            process=process,
            name=row["name"],
            **rows.transition_fields(row, order=order, statuses=statuses),
        )
        transition.sources.set([statuses[s] for s in row["from"]])
        transitions[row["name"]] = transition
    for model, status_field, part in rows.CLOCKS:
        model.objects.bulk_create(
            model(
                process=process,
                priority=rows.priority(row),
                **{status_field: statuses[row["status"]]},
                **rows.clock_fields(row),
            )
            for row in document.get(part, [])
        )
    ExceptionRule.objects.bulk_create(
        ExceptionRule(
            process=process,
            family=row["family"],
            **rows.exception_rule_fields(row, transitions=transitions),
        )
        for row in document.get("exception_rules", [])
    )
    BlockReason.objects.bulk_create(
        BlockReason(process=process, slug=row["slug"], **rows.block_reason_fields(row, order=order))
        for order, row in enumerate(document.get("block_reasons", []))
    )
    for name, section in sorted(DOCUMENT_SECTIONS.items()):
        section.install(process, document.get(name, section.empty()))


def process_from_document(
    document, *, slug: str, name: str, by, words: str = "Created from a document.", now=None
) -> Process:
    """A new process `slug` named `name` from `document`, owned by `by`, who is granted its
    accountable role; its version 1 says `words`. Raises DocumentInvalid with every problem in
    words, and then nothing is written."""
    # processes.versions reads documents with this package: imported here, not at the top.
    from processes.versions import definition_changes, definition_quiet, version_record

    problems = _name_problems(slug, name) + document_problems(document)
    if problems:
        raise DocumentInvalid(problems)
    try:
        with definition_changes(by=by, now=now):
            calendar = document.get("calendar")
            process = Process.objects.create(
                slug=slug,
                name=name,
                **rows.process_fields(document),
                calendar=rows.calendar(calendar) if calendar is not None else None,
                owner=by if getattr(by, "is_authenticated", False) else None,
            )
            definition_quiet(process.pk)
            _install(process, document)
            if getattr(by, "is_authenticated", False):
                ProcessRole.objects.get_or_create(
                    process_id=process.pk, kind=RoleKind.ACCOUNTABLE, user=by
                )
            version_record(process.pk, before=None, by=process.owner, words=[words], now=now)
    except IntegrityError as error:  # a process of that slug made at the same moment
        raise DocumentInvalid([f"slug: a process {slug!r} exists already."]) from error
    return process


def process_clone(process: Process, *, slug: str, name: str, by) -> Process:
    """A copy of `process` under a new slug and name: its export imported."""
    return process_from_document(
        process_document(process), slug=slug, name=name, by=by, words=f"Cloned from {process.name}."
    )
