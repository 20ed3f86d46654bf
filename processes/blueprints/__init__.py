"""A process as a JSON document (issue 26, point 1): export, checked import, clone, and the
words of the difference between two documents (the rule history, processes/versions.py).

- export: `process_document(process) -> dict`, the whole definition in a fixed order;
- checks: `document_problems(document) -> [text]`, every problem in words;
- install: `process_from_document(document, slug=, name=, by=)` and `process_clone`;
- changes: `document_changes(old, new) -> [text]`;
- sections: `document_section_register`, the parts apps above own (reviews' rhythm).
"""

from processes.blueprints.checks import DocumentInvalid, document_problems
from processes.blueprints.export import FORMAT_VERSION, process_document
from processes.blueprints.install import process_clone, process_from_document

__all__ = [
    "FORMAT_VERSION",
    "DocumentInvalid",
    "document_problems",
    "process_clone",
    "process_document",
    "process_from_document",
]
