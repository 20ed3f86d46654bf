"""What changed between two process documents, in words ("SLA of Priced: 16 -> 8 business
hours"), for the rule history (processes/versions.py)."""

from __future__ import annotations

from processes.blueprints.export import ANY_PRIORITY

FIELD_WORDS = {
    "next_action": "next action",
    "waiting_on_customer": "waiting on the customer",
    "commitment_point": "commitment point",
    "deadline_source": "deadline source",
    "stage_group": "stage group",
    "stage_assignment": "stage assignment",
    "from": "from",
    "to": "to",
    "decision_sla_hours": "decision SLA in business hours",
    "documents_when_finished": "documents when finished",
    "working_days": "working days",
    "day_start": "day starts",
    "day_end": "day ends",
    "holiday_country": "holiday country",
    "holiday_subdivision": "holiday region",
}


def _value(value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items())
    return str(value)


def _hours(minutes) -> str:
    if not isinstance(minutes, int):
        return _value(minutes)
    hours = minutes / 60
    return f"{hours:g}"


def _fields(label: str, old: dict, new: dict, skip=()) -> list[str]:
    out = []
    for key in list(dict.fromkeys([*old, *new])):
        if key in skip or old.get(key) == new.get(key):
            continue
        words = FIELD_WORDS.get(key, key.replace("_", " "))
        out.append(f"{label}: {words} {_value(old.get(key))} -> {_value(new.get(key))}")
    return out


def _keyed(rows, key) -> dict:
    out = {}
    for row in rows or []:
        if isinstance(row, dict):
            out[key(row)] = row
    return out


def _status_names(*documents) -> dict[str, str]:
    names = {}
    for document in documents:
        for row in document.get("statuses") or []:
            if isinstance(row, dict):
                names.setdefault(row.get("slug"), row.get("name") or row.get("slug"))
    return names


def _clock_words(what: str, old: dict, new: dict, names: dict) -> list[str]:
    out = []
    for key in list(dict.fromkeys([*old, *new])):
        status, priority = key
        label = f"{what} of {names.get(status, status)}"
        if priority != ANY_PRIORITY:
            label += f" ({priority})"
        before, after = old.get(key), new.get(key)
        if before is None:
            out.append(f"{label}: none -> {_hours(after['allowance_minutes'])} business hours")
            continue
        if after is None:
            out.append(f"{label}: {_hours(before['allowance_minutes'])} business hours -> none")
            continue
        if before.get("allowance_minutes") != after.get("allowance_minutes"):
            out.append(
                f"{label}: {_hours(before.get('allowance_minutes'))} -> "
                f"{_hours(after.get('allowance_minutes'))} business hours"
            )
        if before.get("at_risk_percent") != after.get("at_risk_percent"):
            out.append(
                f"{label}: at risk at {_value(before.get('at_risk_percent'))}% -> "
                f"{_value(after.get('at_risk_percent'))}%"
            )
    return out


def _rows_words(what: str, old: dict, new: dict, name_key: str, skip=()) -> list[str]:
    out = []
    for key in list(dict.fromkeys([*old, *new])):
        before, after = old.get(key), new.get(key)
        label = f"{what} {(after or before).get(name_key) or _value(key)}"
        if before is None:
            out.append(f"{label} added")
        elif after is None:
            out.append(f"{label} removed")
        else:
            out.extend(_fields(label, before, after, skip=skip))
    return out


def document_changes(old: dict, new: dict) -> list[str]:
    """The differences from `old` to `new`, one sentence each, in the document's order."""
    out: list[str] = []
    out += _fields("Process", old, new, skip=_PARTS | set(_section_names(old, new)))
    calendar_old, calendar_new = old.get("calendar"), new.get("calendar")
    if calendar_old != calendar_new:
        if not calendar_old or not calendar_new or calendar_old["name"] != calendar_new["name"]:
            out.append(
                f"Calendar: {(calendar_old or {}).get('name', 'standard office hours')} -> "
                f"{(calendar_new or {}).get('name', 'standard office hours')}"
            )
        else:
            out += _fields(f"Calendar {calendar_new['name']}", calendar_old, calendar_new)
    statuses_old = _keyed(old.get("statuses"), lambda r: r.get("slug"))
    statuses_new = _keyed(new.get("statuses"), lambda r: r.get("slug"))
    out += _rows_words("Status", statuses_old, statuses_new, "name")
    common = [s for s in statuses_new if s in statuses_old]
    if common != [s for s in statuses_old if s in statuses_new]:
        out.append(f"Statuses in a new order: {', '.join(common)}")
    out += _rows_words(
        "Transition",
        _keyed(old.get("transitions"), lambda r: r.get("name")),
        _keyed(new.get("transitions"), lambda r: r.get("name")),
        "label",
    )
    out += _rows_words(
        "Role of",
        _keyed(old.get("roles"), lambda r: (r.get("kind"), r.get("group"))),
        _keyed(new.get("roles"), lambda r: (r.get("kind"), r.get("group"))),
        "group",
    )
    names = _status_names(new, old)
    key = lambda r: (r.get("status"), r.get("priority"))  # noqa: E731
    out += _clock_words("SLA", _keyed(old.get("sla"), key), _keyed(new.get("sla"), key), names)
    out += _clock_words(
        "Target to", _keyed(old.get("targets"), key), _keyed(new.get("targets"), key), names
    )
    rule = lambda r: (r.get("family"), r.get("level"))  # noqa: E731
    out += _rows_words(
        "Exception rule",
        _keyed(old.get("exception_rules"), rule),
        _keyed(new.get("exception_rules"), rule),
        "name",
    )
    out += _rows_words(
        "Block reason",
        _keyed(old.get("block_reasons"), lambda r: r.get("slug")),
        _keyed(new.get("block_reasons"), lambda r: r.get("slug")),
        "name",
    )
    for name in _section_names(old, new):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if isinstance(before or [], list) and isinstance(after or [], list):
            first = lambda r: next(iter(r.values()), None)  # noqa: E731
            out += _rows_words(
                name.replace("_", " ").capitalize(),
                _keyed(before, first),
                _keyed(after, first),
                next(iter((after or before or [{}])[0]), ""),
            )
        else:
            out.append(f"{name.replace('_', ' ').capitalize()} changed")
    return out


_PARTS = {
    "format_version",
    "calendar",
    "statuses",
    "transitions",
    "roles",
    "sla",
    "targets",
    "exception_rules",
    "block_reasons",
}


def _section_names(old: dict, new: dict) -> list[str]:
    from processes.blueprints.sections import DOCUMENT_SECTIONS

    return [n for n in DOCUMENT_SECTIONS if n in old or n in new]
