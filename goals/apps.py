from django.apps import AppConfig

# Where goals' history names people: a user named here is deactivated, never deleted
# (roles/people.py), or the goal would lose its owner and maker and the check-ins their author.
HISTORY_FIELDS = [("Goal", "owner"), ("Goal", "created_by"), ("CheckIn", "author")]


class GoalsConfig(AppConfig):
    """Goals and key results: the operating-model layer above metrics (docs/design.md,
    "Architecture").

    metrics may not depend on goals, so the weekly snapshot writer announces each week it wrote
    on `metrics.signals.weekly_snapshot_written`, and this app listens; and the weekly dashboard
    shows the key results panel goals registers with it."""

    name = "goals"

    def ready(self):
        from goals import receivers
        from goals.selectors import process_goals
        from goals.views.weekly_panel import key_results_panel
        from metrics.sections import weekly_section_register
        from metrics.signals import weekly_snapshot_written
        from processes.summaries import register_process_summary
        from roles.people import history_fields, register_history_source

        register_process_summary("goals", process_goals, empty=list)

        weekly_snapshot_written.connect(
            receivers.snapshot_written, dispatch_uid="goals.key_results_record_week"
        )
        # The weekly dashboard shows the process's key results (metrics cannot load goals' tags).
        weekly_section_register(name="goals.key_results", render=key_results_panel)
        register_history_source(history_fields("goals", HISTORY_FIELDS))
