from django.apps import AppConfig


class SalesConfig(AppConfig):
    """Repeat sales: clients who have not ordered within their segment's usual interval get a
    reactivation card for their account manager; the week's repeat orders and reactivations won
    by segment. Above metrics."""

    name = "sales"
    verbose_name = "Repeat sales"

    def ready(self):
        from sales.registrations import sales_register

        sales_register()
