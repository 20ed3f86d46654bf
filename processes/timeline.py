"""The card page's history: each event as the page shows it."""

from processes.models import Channel, EventKind, PaymentTerms, Priority, RequestCard, Status

APPROVAL_TITLES = {
    EventKind.APPROVAL_REQUESTED: lambda d: "Approval requested",
    EventKind.APPROVAL_DECIDED: lambda d: (
        "Exception " + ("approved" if d.get("decision") == "approved" else "rejected")
    ),
    EventKind.APPROVAL_WITHDRAWN: lambda d: "Approval request withdrawn",
    EventKind.APPROVAL_ESCALATED: lambda d: "Approval overdue: escalated",
}


def card_timeline(card: RequestCard, statuses: dict[str, Status], reasons: dict[str, str]):
    """Each event as the page shows it: what happened, by whom, with which details."""
    channels, priorities = dict(Channel.choices), dict(Priority.choices)
    terms = dict(PaymentTerms.choices)
    field_labels = {
        "discount_percent": "Discount, %",
        "payment_terms": "Payment terms",
        "deferred_days": "Deferred days",
        "shipment_date": "Shipment date",
        "responsible": "Responsible",
    }

    def status_name(slug):
        return statuses[slug].name if slug in statuses else slug

    entries = []
    for event in card.events.all():
        data = event.data or {}
        details = []
        title = event.get_kind_display()
        moved = event.kind == EventKind.TRANSITION
        if event.kind == EventKind.CREATED:
            title = f"Created in {status_name(event.to_status)}"
            if data.get("channel"):
                details.append(f"Channel: {channels.get(data['channel'], data['channel'])}")
            if data.get("priority"):
                details.append(f"Priority: {priorities.get(data['priority'], data['priority'])}")
            if data.get("responsible"):
                details.append(f"Responsible: {data['responsible']}")
        elif moved:
            title = "Moved"
        elif event.kind in (EventKind.FIELD_CHANGE, EventKind.ASSIGNMENT):
            field = data.get("field", "")
            old, new = data.get("old") or "not set", data.get("new") or "not set"
            if field == "payment_terms":
                old, new = terms.get(old, old), terms.get(new, new)
            title = f"{field_labels.get(field, field.replace('_', ' ').capitalize())} changed"
            details.append(f"{old} \u2192 {new}")
        elif event.kind == EventKind.ITEM_ADDED:
            details.append(
                f"{data.get('product', '')}: {data.get('quantity', '')} \u00d7 "
                f"{data.get('unit_price', '')} (cost {data.get('unit_cost', '')})"
            )
        elif event.kind == EventKind.DOCUMENT_ADDED:
            details.append(data.get("name", ""))
        elif event.kind in APPROVAL_TITLES:
            title = APPROVAL_TITLES[event.kind](data)
            details.append(f"{data.get('rule', '')} ({data.get('value', '')})")
        elif event.kind == EventKind.UNBLOCK and data.get("blocked_seconds"):
            hours = data["blocked_seconds"] / 3600
            details.append(
                f"Blocked for {hours:.1f} h" if hours < 48 else f"Blocked for {hours / 24:.1f} d"
            )
        reason = event.reason
        if event.kind == EventKind.APPROVAL_DECIDED:
            reason = ""  # the title says the decision; the comment says why
        if event.kind in (EventKind.BLOCK, EventKind.UNBLOCK):
            reason = reasons.get(reason, reason)
        entries.append(
            {
                "event": event,
                "title": title,
                "moved": moved,
                "from_name": status_name(event.from_status) if moved else "",
                "to_name": status_name(event.to_status) if moved else "",
                "transition": event.transition,
                "actor": (event.actor.get_full_name() or event.actor.get_username())
                if event.actor
                else "system",
                "details": details,
                "reason": reason,
            }
        )
    return entries
