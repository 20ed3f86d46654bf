"""Rule versions (processes' rule history) and review decisions: which decision a version
carried out, and the rule changes a monthly review looks back on."""

from __future__ import annotations

from processes.models import DefinitionVersion
from reviews.models import Decision


def decisions_of_versions(version_ids: list[int]) -> dict[int, int]:
    """{version id: the id of the decision that links it}, one query."""
    if not version_ids:
        return {}
    return dict(
        Decision.objects.filter(version_id__in=version_ids)
        .order_by("version_id", "id")
        .values_list("version_id", "id")
    )


def rule_changes_since(process, since, until) -> list[DefinitionVersion]:
    """The versions of the process's definition written in [since, until) (since None: all
    before until), oldest first, with who made them."""
    versions = DefinitionVersion.objects.filter(process=process, at__lt=until)
    if since is not None:
        versions = versions.filter(at__gte=since)
    return list(versions.select_related("by").order_by("number"))
