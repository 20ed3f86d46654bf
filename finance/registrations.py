"""Where finance takes part in the apps below it (called once from FinanceConfig.ready)."""


def finance_register() -> None:
    from finance import conditions as c
    from finance.selectors.agenda import overdue_agenda_items
    from finance.selectors.figures import money_weekly_figures, money_weekly_html
    from finance.views.cards import card_invoice_panel
    from metrics.agenda import agenda_list_register
    from metrics.sections import weekly_section_register
    from processes.conditions import condition_register
    from processes.deadlines import deadline_source_register
    from processes.effects import effect_register
    from processes.panels import card_extension_register

    condition_register(
        name="prepaid_paid_in_full",
        label="Prepaid: the invoice is paid in full",
        check=c.prepaid_paid_in_full,
    )
    condition_register(
        name="paid_in_full", label="The invoice is paid in full", check=c.paid_in_full
    )
    effect_register(name="issue_invoice", label="Issue the invoice", run=c.issue_invoice)
    effect_register(name="void_invoice", label="Void the invoice", run=c.void_invoice)
    deadline_source_register(
        name="invoice_due", label="The invoice's due date", deadline=c.invoice_due
    )
    card_extension_register(name="invoice", panel=card_invoice_panel)
    weekly_section_register(
        name="money", compute=money_weekly_figures, render=money_weekly_html, stored=True
    )
    agenda_list_register(
        name="overdue_invoices",
        level="daily",
        title="Overdue invoices",
        items=overdue_agenda_items,
        empty="No invoice is overdue.",
    )
