from django.apps import AppConfig


class GoalsConfig(AppConfig):
    """Goals and key results: the operating-model layer above metrics (DESIGN.md section 5).

    metrics may not import goals, so the weekly snapshot writer announces each week it wrote on
    `metrics.signals.weekly_snapshot_written`, and this app listens."""

    name = "goals"

    def ready(self):
        from goals import receivers
        from goals.selectors import process_goals
        from metrics.signals import weekly_snapshot_written
        from processes.summaries import register_process_summary

        register_process_summary("goals", process_goals, empty=list)

        weekly_snapshot_written.connect(
            receivers.snapshot_written, dispatch_uid="goals.key_results_record_week"
        )
