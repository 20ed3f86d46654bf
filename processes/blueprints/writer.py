"""Who writes a whole document onto an existing process (PATCH /api/processes/{slug}/
definition/): an app above registers the writer (the designer, which checks and records the
change as its pages do); with none registered the API answers 405.

`write(*, process, by, document, seen_version) -> DefinitionVersion | None` raises
DocumentInvalid (400 with the problems), opmodel.errors.Forbidden (403) or Conflict (409)."""

from collections.abc import Callable

DEFINITION_WRITERS: dict[str, Callable] = {}


def definition_writer_register(*, name: str, write: Callable) -> None:
    DEFINITION_WRITERS.clear()  # one writer: a second registration replaces the first
    DEFINITION_WRITERS[name] = write


def definition_writer() -> Callable | None:
    return next(iter(DEFINITION_WRITERS.values()), None)
