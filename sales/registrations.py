"""Where sales takes part in the apps below it (called once from SalesConfig.ready)."""


def sales_register() -> None:
    from pathlib import Path

    from metrics.agenda import agenda_list_register
    from metrics.sections import weekly_section_register
    from processes.conditions import condition_register
    from processes.effects import effect_register
    from processes.panels import card_extension_register
    from processes.process_templates import document_file, process_template_register
    from sales import conditions as c
    from sales.selectors.agenda import reactivation_agenda_items
    from sales.selectors.figures import (
        repeat_sales_figures,
        repeat_sales_figures_weeks,
        repeat_sales_html,
    )
    from sales.services.reactivations import reactivation_card_created

    condition_register(
        name="client_ordered_since_opened",
        label="The client placed an order since the reactivation card was opened",
        check=c.client_ordered,
    )
    effect_register(
        name="reactivation_won",
        label="Close the reactivation as won, linking the client's order",
        run=c.reactivation_won,
    )
    effect_register(
        name="reactivation_lost",
        label="Close the reactivation without an order",
        run=c.reactivation_lost,
    )
    card_extension_register(name="sales", card_created=reactivation_card_created)
    weekly_section_register(
        name="sales",
        compute=repeat_sales_figures,
        compute_weeks=repeat_sales_figures_weeks,
        render=repeat_sales_html,
        stored=True,
    )
    agenda_list_register(
        name="reactivations",
        level="weekly",
        title="Reactivations: clients past their usual interval between orders",
        items=reactivation_agenda_items,
        empty="No reactivation is open.",
    )
    process_template_register(
        "reactivation",
        "Reactivation",
        "Repeat sales: a client quiet for longer than its segment's usual interval is contacted "
        "by its account manager until it orders again or says no.",
        document_file(Path(__file__).parent / "process_documents" / "reactivation.json"),
    )
