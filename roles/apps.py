from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Process roles"

    def ready(self):
        from roles import people, signals
        from roles.api import schema  # noqa: F401 (registers itself)

        signals.connect()
        people.connect()
