"""What the designer adds to the pages of processes (through processes' extension point)."""

from django.urls import reverse

from processes.panels import card_extension_register


def _rules_actions(process, user) -> list[tuple[str, str]]:
    from designer.selectors import may_design

    if not may_design(user, process):
        return []
    return [("Change the rules", reverse("design-process", args=[process.slug]))]


def designer_register() -> None:
    card_extension_register(name="designer", rules_actions=_rules_actions)
