"""Where customer service takes part in the apps below it (called once from
ServiceConfig.ready)."""


def service_register() -> None:
    from pathlib import Path

    from metrics.sections import weekly_section_register
    from processes.conditions import condition_register
    from processes.panels import card_extension_register
    from processes.process_templates import document_file, process_template_register
    from service import conditions as c
    from service.selectors.figures import (
        quality_cards,
        quality_weekly_figures,
        quality_weekly_html,
    )
    from service.services.complaints import complaint_card_created
    from service.views.complaints import card_complaint_panel, service_board_actions

    condition_register(
        name="complaint_has_return",
        label="The complaint says what is returned",
        check=c.complaint_has_return,
    )
    card_extension_register(
        name="service",
        panel=card_complaint_panel,
        board_actions=service_board_actions,
        card_created=complaint_card_created,
    )
    weekly_section_register(
        name="quality",
        compute=quality_weekly_figures,
        render=quality_weekly_html,
        stored=True,
        cards=quality_cards,
    )
    process_template_register(
        "customer-service",
        "Customer service",
        "Complaints and returns: each appeal of a client a card linked to its client and to the "
        "order it is about, with its reason, SLAs and block reasons.",
        document_file(Path(__file__).parent / "process_documents" / "customer_service.json"),
    )
