"""The card page's history: each event as the page shows it."""

from datetime import date

from django.contrib.auth import get_user_model

from opmodel.formatting import money_text, number_text, percent_text, person_text
from processes.models import Channel, EventKind, PaymentTerms, Priority, RequestCard, Status

APPROVAL_TITLES = {
    EventKind.APPROVAL_REQUESTED: lambda d: "Approval requested",
    EventKind.APPROVAL_DECIDED: lambda d: (
        "Exception " + ("approved" if d.get("decision") == "approved" else "rejected")
    ),
    EventKind.APPROVAL_WITHDRAWN: lambda d: "Approval request withdrawn",
    EventKind.APPROVAL_ESCALATED: lambda d: "Approval overdue: escalated",
}


def _usernames(events) -> set[str]:
    """The people an event names by username (the history keeps usernames: metrics read them)."""
    names = set()
    for event in events:
        data = event.data or {}
        if event.kind == EventKind.CREATED:
            names.add(data.get("responsible") or "")
        elif data.get("field") == "responsible":
            names |= {data.get("old") or "", data.get("new") or ""}
    names.discard("")
    return names


def people_by_username(events, *, known=()) -> dict[str, str]:
    """{username: how the page names them} for the people the events name. The users the page
    loaded already (`known`: actors, responsible, requesters) cost nothing; the others one
    query, when there are any."""
    wanted = _usernames(events)
    people = {u.get_username(): person_text(u) for u in known if u is not None}
    missing = wanted - set(people)
    if missing:
        for user in get_user_model().objects.filter(username__in=missing):
            people[user.get_username()] = person_text(user)
    return people


def _date_text(value: str) -> str:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day:%a, %b} {day.day}, {day.year}"


def card_timeline(
    card: RequestCard,
    statuses: dict[str, Status],
    reasons: dict[str, str],
    people: dict[str, str] | None = None,
    transitions: dict[str, str] | None = None,
):
    """Each event as the page shows it: what happened, by whom, with which details. Values are
    written as the card's fields are: people by name, percentages, money, dates."""
    channels, priorities = dict(Channel.choices), dict(Priority.choices)
    terms = dict(PaymentTerms.choices)
    people = people or {}
    formats = {
        "discount_percent": percent_text,
        "payment_terms": lambda v: terms.get(v, v),
        "deferred_days": lambda v: f"{v} days",
        "shipment_date": _date_text,
        "promised_on": _date_text,
        "responsible": lambda v: people.get(v, v),
        "priority": lambda v: priorities.get(v, v),
        "channel": lambda v: channels.get(v, v),
    }

    def field_text(field: str, value) -> str:
        if value in (None, ""):
            return "not set"
        return formats.get(field, str)(value)

    field_labels = {
        "discount_percent": "Discount, %",
        "payment_terms": "Payment terms",
        "deferred_days": "Deferred days",
        "shipment_date": "Shipment date",
        "promised_on": "Promised date",
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
                name = people.get(data["responsible"], data["responsible"])
                details.append(f"Responsible: {name}")
        elif moved:
            title = "Moved"
        elif event.kind == EventKind.HANDOFF:
            title = f"Handed to {data.get('to', '')}"
            assigned = data.get("assigned")
            details.append(
                f"Assigned to {people.get(assigned, assigned)}"
                if assigned
                else "Waiting for pick-up"
            )
        elif event.kind == EventKind.ASSIGNMENT and data.get("taken"):
            title = "Taken from the queue"
        elif event.kind in (EventKind.FIELD_CHANGE, EventKind.ASSIGNMENT):
            field = data.get("field", "")
            old, new = field_text(field, data.get("old")), field_text(field, data.get("new"))
            title = f"{field_labels.get(field, field.replace('_', ' ').capitalize())} changed"
            details.append(f"{old} \u2192 {new}")
        elif event.kind == EventKind.PROMISE_CHANGED:
            old, new = (
                field_text("promised_on", data.get("old")),
                field_text("promised_on", data.get("new")),
            )
            details.append(f"{old} \u2192 {new}")
        elif event.kind in (EventKind.PROMISE_AT_RISK, EventKind.PROMISE_ON_TRACK):
            details.append(
                f"Expected {field_text('promised_on', data.get('expected_on'))}, promised "
                f"{field_text('promised_on', data.get('promised_on'))}"
            )
        elif event.kind == EventKind.PROMISE_OUTCOME:
            title = "Promise kept" if data.get("outcome") == "kept" else "Promise missed"
            details.append(
                f"Shipped {field_text('promised_on', data.get('shipped_on'))}, promised "
                f"{field_text('promised_on', data.get('promised_on'))}"
                + ("" if data.get("in_full", True) else "; not in full")
            )
        elif event.kind == EventKind.ITEM_ADDED:
            details.append(
                f"{data.get('product', '')}: {number_text(data.get('quantity'))} \u00d7 "
                f"{money_text(data.get('unit_price'))} "
                f"(cost {money_text(data.get('unit_cost'))})"
            )
        elif event.kind in (EventKind.DOCUMENT_ADDED, EventKind.DOCUMENT_REMOVED):
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
                # The move by its label ("Mark lost"); its name stays in the API.
                "transition": (transitions or {}).get(event.transition, event.transition),
                "actor": person_text(event.actor) if event.actor else "system",
                "details": details,
                "reason": reason,
            }
        )
    return entries
