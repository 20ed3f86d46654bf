from pathlib import Path

from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "processes"
    verbose_name = "Processes and request cards"

    def ready(self):
        from processes import (
            definition,
            documents,  # noqa: F401 (registers its system check)
            role_grants,
            versions,
        )
        from processes.effects import effect_register
        from processes.history_guard import users_in_processes_history
        from processes.process_templates import document_file, process_template_register
        from processes.services.promises import record_shipment
        from roles.people import register_history_source

        register_history_source(users_in_processes_history)
        # Order to cash as a template to start a process from (processes/process_templates.py).
        process_template_register(
            "order-to-cash",
            "Order to cash",
            "A B2B distributor's path from a customer's request to money: qualify, price, agree, "
            "invoice, ship, collect; stock reserved and consumed, exceptions approved.",
            document_file(Path(__file__).parent / "process_documents" / "order_to_cash.json"),
        )
        definition.connect()
        role_grants.connect()
        versions.connect()
        effect_register(
            name="record_shipment",
            label="Ship: the promise is kept or missed",
            run=record_shipment,
        )
