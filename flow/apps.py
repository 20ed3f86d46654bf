from django.apps import AppConfig


class FlowConfig(AppConfig):
    """Seeing the flow: forecasts of when work will be done, the service level expectation and their
    backtest (docs/design.md, "Metric definitions", Forecasts / SLE). An app above metrics: it reads
    the card event history through processes and the metrics' definitions, and nothing below it
    imports it."""

    name = "flow"

    def ready(self):
        from flow.selectors import process_sle_days
        from flow.selectors.key_results import target_chance
        from metrics.forecasts import register_target_chance
        from processes.panels import card_extension_register

        card_extension_register(name="flow", sle_days=process_sle_days)
        register_target_chance(target_chance)
