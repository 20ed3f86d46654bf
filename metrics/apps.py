from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Metrics, alerts and reviews"

    def ready(self):
        from metrics.headlines import process_headlines
        from processes.summaries import register_process_summary

        register_process_summary("headline", process_headlines, empty=dict)
