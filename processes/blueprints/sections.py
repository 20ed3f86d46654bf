"""Parts of a process document that apps above processes own (the rhythm of reviews), by name.

processes never imports those apps (docs/design.md, "Architecture"): an app registers its
section in its AppConfig.ready with `document_section_register`. A section exports its part of
a process as JSON, lists the problems of a document's part in words (knowing the document's
status slugs and role kinds), and installs a checked part on a new process.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentSection:
    name: str
    export: Callable[[Any], Any]  # export(process) -> a JSON value
    check: Callable[[Any, dict], list[str]]  # check(value, document) -> problems in words
    install: Callable[[Any, Any], None]  # install(process, value), inside the import's transaction
    empty: Callable[[], Any]  # the value a document without the section stands for
    schema: Callable[[], Any] | None  # a DRF serializer (field) describing it in the API schema


DOCUMENT_SECTIONS: dict[str, DocumentSection] = {}


def document_section_register(
    *,
    name: str,
    export: Callable[[Any], Any],
    check: Callable[[Any, dict], list[str]],
    install: Callable[[Any, Any], None],
    empty: Callable[[], Any] = list,
    schema: Callable[[], Any] | None = None,
) -> None:
    """Add a section to every process document (called once, at start-up; again replaces it)."""
    DOCUMENT_SECTIONS[name] = DocumentSection(name, export, check, install, empty, schema)
