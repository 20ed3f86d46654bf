from django.apps import AppConfig


class FinanceConfig(AppConfig):
    """Invoices, payments and receivables of order cards: above metrics."""

    name = "finance"
    verbose_name = "Invoices and payments"

    def ready(self):
        from finance.registrations import finance_register

        finance_register()
