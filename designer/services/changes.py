"""Apply one designer change to a process's definition (docs/design.md, "Decisions and why":
the designer changes rows, and checks the document).

`design_change` runs the change (row saves and deletes) inside `definition_changes(by=...)`, so
that it becomes ONE rule version with its words, and checks the definition it leaves exactly as
an import is checked: the process's document is exported and `document_problems` runs on it.
Any problem, and the whole change is rolled back (nothing written, no version) and refused with
every problem in words (`DocumentInvalid`). The check sees the rows as they would be, so the
rules an import enforces (a status nobody can reach, a final status with an SLA, a stage group
without a role in the process...) hold for the designer without being written twice.

Optimistic concurrency: the editor's page carries the version number it showed; the process row
is locked first and, when a version was written since, the change is refused with a Conflict
(409) naming both numbers, never applied over the other person's change.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError

from opmodel.errors import Conflict
from processes.blueprints import DocumentInvalid, document_problems, process_document
from processes.models import DefinitionVersion, Process, RequestCard
from processes.versions import definition_changes


class DesignConflict(Conflict):
    def __init__(self, seen: int, current: int):
        super().__init__(
            f"Someone else changed this process since you opened the page: you edited version "
            f"{seen}, it is now at version {current}. Nothing was saved; reload the page, check "
            "their change and make yours again."
        )
        self.seen = seen
        self.current = current


def design_version(process: Process) -> int:
    """The number of the process's latest rule version (0: none recorded yet)."""
    latest = (
        DefinitionVersion.objects.filter(process=process)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return latest or 0


def _protected_words(error: ProtectedError) -> str:
    names = sorted({str(o) for o in list(error.protected_objects)[:5]})
    return "It is still in use (" + ", ".join(names) + "): change or remove those first."


def _stranded_cards(process: Process, document: dict) -> list[str]:
    """Cards keep their status by slug: a change may not remove or rename a status cards are
    in (they would be in no status at all)."""
    slugs = [s["slug"] for s in document["statuses"]]
    stranded = (
        RequestCard.objects.filter(process=process)
        .exclude(status__in=slugs)
        .values("status")
        .annotate(cards=Count("pk"))
        .order_by("status")
    )
    return [
        f"Status {row['status']!r}: {row['cards']} card(s) are in it; it cannot be removed or "
        "renamed while they are (move them on first)."
        for row in stranded
    ]


def design_change(
    *,
    process: Process,
    by,
    seen_version: int | None,
    change: Callable[[], object],
    now=None,
) -> DefinitionVersion | None:
    """Run `change()` on the process's rows as one checked, recorded change by `by`.

    Returns the version written (None when the change changed nothing). Raises DesignConflict
    when the process has a version newer than `seen_version` (None: no check),
    DocumentInvalid with the problems of the definition the change would leave (nothing
    written)."""
    with definition_changes(by=by, now=now):
        # Locked before reading the number: two editors of one process take turns here, and
        # the second sees the first's version.
        locked = (
            Process.objects.select_for_update(of=("self",))
            .select_related("calendar")
            .get(pk=process.pk)
        )
        current = design_version(locked)
        if seen_version is not None and current != seen_version:
            raise DesignConflict(seen_version, current)
        try:
            with transaction.atomic():
                change()
                locked.refresh_from_db()
                document = process_document(locked)
                problems = document_problems(document) + _stranded_cards(locked, document)
                if problems:
                    raise DocumentInvalid(problems)
        except ProtectedError as error:
            raise DocumentInvalid([_protected_words(error)]) from error
        except IntegrityError as error:
            # A constraint the form could not see (a concurrent insert of the same slug).
            raise DocumentInvalid([f"The database refused the change: {error}"]) from error
    latest = DefinitionVersion.objects.filter(process=process).order_by("-number").first()
    return latest if latest is not None and latest.number > (seen_version or current) else None
