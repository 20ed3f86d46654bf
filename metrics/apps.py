from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Metrics, alerts and reviews"

    def ready(self):
        from metrics.exceptions.figures import exception_weekly_figures, exception_weekly_html
        from metrics.headlines import process_headlines
        from metrics.promises.expected import typical_expected
        from metrics.sections import weekly_section_register
        from processes.promises import promise_estimator_register
        from processes.summaries import register_process_summary

        register_process_summary("headline", process_headlines, empty=dict)
        promise_estimator_register(name="typical_remaining_time", expected=typical_expected)
        # The exception route's figures, kept with the week (metrics/exceptions/figures.py).
        weekly_section_register(
            name="exceptions",
            compute=exception_weekly_figures,
            render=exception_weekly_html,
            stored=True,
        )
