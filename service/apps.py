from django.apps import AppConfig


class ServiceConfig(AppConfig):
    """Customer service: complaints and returns about orders, and their quality figures on the
    order-to-cash weekly dashboard. Above metrics, beside stock and finance."""

    name = "service"
    verbose_name = "Customer service"

    def ready(self):
        from service.registrations import service_register

        service_register()
