from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Metrics, alerts and reviews"

    def ready(self):
        from metrics.headlines import process_headlines
        from metrics.promises.expected import typical_expected
        from processes.promises import promise_estimator_register
        from processes.summaries import register_process_summary

        register_process_summary("headline", process_headlines, empty=dict)
        promise_estimator_register(name="typical_remaining_time", expected=typical_expected)
