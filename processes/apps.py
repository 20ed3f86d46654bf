from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "processes"
    verbose_name = "Processes and request cards"

    def ready(self):
        from processes import (
            definition,
            documents,  # noqa: F401 (registers its system check)
            role_grants,
        )
        from processes.effects import effect_register
        from processes.history_guard import users_in_processes_history
        from processes.services.promises import record_shipment
        from roles.people import register_history_source

        register_history_source(users_in_processes_history)
        definition.connect()
        role_grants.connect()
        effect_register(
            name="record_shipment",
            label="Ship: the promise is kept or missed",
            run=record_shipment,
        )
