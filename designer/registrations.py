"""What the designer adds to the pages of processes (through processes' extension point)."""

from django.urls import reverse

from opmodel.errors import Forbidden
from processes.blueprints.writer import definition_writer_register
from processes.panels import card_extension_register


def _rules_actions(process, user) -> list[tuple[str, str]]:
    from designer.selectors import may_design

    if not may_design(user, process):
        return []
    return [("Change the rules", reverse("design-process", args=[process.slug]))]


def _write_definition(*, process, by, document, seen_version):
    from designer.selectors import may_design
    from designer.services.documents import design_document

    if not may_design(by, process):
        raise Forbidden("Only the owner or the accountable of this process change its rules.")
    return design_document(process=process, by=by, document=document, seen_version=seen_version)


def designer_register() -> None:
    card_extension_register(name="designer", rules_actions=_rules_actions)
    definition_writer_register(name="designer", write=_write_definition)
