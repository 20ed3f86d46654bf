"""Templates a person starts a process from (issue 26, point 2): each a process document
(processes/blueprints) under a slug, with a name and a description, registered by the app that
owns the process from its AppConfig.ready. The "New process" page and `POST /api/processes/`
create a process from one (processes/views/new_process.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessTemplate:
    slug: str
    name: str
    description: str
    document: Callable[[], dict]


PROCESS_TEMPLATES: dict[str, ProcessTemplate] = {}


def process_template_register(
    slug: str, name: str, description: str, document: Callable[[], dict]
) -> None:
    """Offer a template (again: replaces it). `document` gives a fresh copy each call."""
    PROCESS_TEMPLATES[slug] = ProcessTemplate(slug, name, description, document)


def document_file(path: Path) -> Callable[[], dict]:
    """A template's document read from a JSON file shipped with its app, on each use."""

    def read() -> dict:
        return json.loads(path.read_text(encoding="utf-8"))

    return read


def process_templates() -> list[ProcessTemplate]:
    return sorted(PROCESS_TEMPLATES.values(), key=lambda t: t.name)
