from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Process roles"

    def ready(self):
        from roles import people, schema, signals  # noqa: F401 (schema registers itself)

        signals.connect()
        people.connect()
