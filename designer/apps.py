from django.apps import AppConfig


class DesignerConfig(AppConfig):
    """The designer: pages where a process's accountable edits its statuses, moves, SLAs, block
    reasons, exception rules and stage roles, each change checked as an import is and kept as a
    rule version. Above processes; draws its own designed-only map."""

    name = "designer"
    verbose_name = "Process designer"

    def ready(self):
        from designer.registrations import designer_register

        designer_register()
