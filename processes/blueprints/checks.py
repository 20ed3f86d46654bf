"""Every problem of a process document, in words, before anything is written.

`document_problems(document)` walks the whole document and keeps going after a problem, so a
person fixing a document sees the whole list at once: wrong types, duplicate keys, a transition
to an unknown status, a status nobody can reach, no final status, an SLA for a status that does
not exist, a condition, effect or deadline source the app does not know, a stage group without
a role in the process.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from processes.blueprints.export import ANY_PRIORITY, FORMAT_VERSION, calendar_document
from processes.blueprints.sections import DOCUMENT_SECTIONS
from processes.conditions import CONDITIONS
from processes.deadlines import DEADLINE_SOURCES
from processes.effects import EFFECTS
from processes.models import BusinessCalendar, Operator, Priority, StageAssignment, StatusOutcome
from processes.models.approvals import AD_HOC_FAMILY, RULE_FIELDS
from roles.models import RoleKind

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, lone surrogates
PARTS = [
    "format_version",
    "description",
    "input",
    "output",
    "documents_when_finished",
    "calendar",
    "statuses",
    "transitions",
    "roles",
    "sla",
    "targets",
    "exception_rules",
    "block_reasons",
]
PRIORITIES = [ANY_PRIORITY, *Priority.values]


MAX_INT = 2**31 - 1  # the database's integer columns
MAX_SMALL = 2**15 - 1


def _key(value):
    """A value as a key of a set or dict: text as it is, anything else in its repr (a list
    where a slug belongs must not raise, it is named as a problem)."""
    return value if isinstance(value, str | int | type(None)) else repr(value)


class DocumentInvalid(Exception):
    """The document has problems; nothing was written. `problems` lists them in words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class _Items:
    """Reads a list of objects of one part, noting each wrong type once, in words."""

    def __init__(self, problems: list[str], document: dict, part: str):
        self.problems = problems
        self.part = part
        value = document.get(part, [])
        if not isinstance(value, list):
            problems.append(f"{part}: give a list.")
            value = []
        self.rows = []
        for i, row in enumerate(value, start=1):
            if isinstance(row, dict):
                self.rows.append((f"{part} #{i}", row))
            else:
                problems.append(f"{part} #{i}: give an object.")

    def text(self, where, row, key, *, max_length=None, blank=False, slug=False) -> str | None:
        value = row.get(key)
        if not isinstance(value, str):
            self.problems.append(f"{where}: {key} must be text.")
            return None
        if not blank and not value.strip():
            self.problems.append(f"{where}: {key} is empty.")
            return None
        if UNSTORABLE.search(value):
            self.problems.append(f"{where}: {key} holds a character that cannot be stored.")
            return None
        if max_length and len(value) > max_length:
            self.problems.append(f"{where}: {key} is longer than {max_length} characters.")
        if slug and not SLUG.match(value):
            self.problems.append(
                f"{where}: {key} {value!r} may hold only letters, digits, - and _."
            )
        return value

    def boolean(self, where, row, key) -> bool | None:
        value = row.get(key, False)
        if not isinstance(value, bool):
            self.problems.append(f"{where}: {key} must be true or false.")
            return None
        return value

    def number(self, where, row, key, *, low=1, high=MAX_INT) -> int | None:
        value = row.get(key)
        if type(value) is not int or value < low or value > high:
            span = f"from {low} to {high}" if high != MAX_INT else f"of at least {low}"
            self.problems.append(f"{where}: {key} must be a whole number {span}.")
            return None
        return value

    def choice(self, where, row, key, choices, *, default=None) -> str | None:
        value = row.get(key, default)
        if value not in choices:
            self.problems.append(
                f"{where}: {key} {value!r} is not one of: {', '.join(map(str, choices))}."
            )
            return None
        return value

    def names(self, where, row, key, known, what) -> list[str]:
        value = row.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.append(f"{where}: {key} must be a list of names.")
            return []
        for name in value:
            if name not in known:
                self.problems.append(f"{where}: the app knows no {what} {name!r}.")
        if len(set(value)) != len(value):
            self.problems.append(f"{where}: {key} names one twice.")
        return value

    def unique(self, where, key, seen: set, what: str) -> None:
        if key in seen:
            self.problems.append(f"{where}: {what} appears twice.")
        seen.add(key)


def _calendar_problems(problems: list[str], value) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        problems.append("calendar: give an object, or null for the standard office hours.")
        return
    items = _Items(problems, {"calendar": [value]}, "calendar")
    where, row = items.rows[0]
    where = "calendar"
    name = items.text(where, row, "name", max_length=120)
    fields = {}
    for key in ("timezone", "holiday_country", "holiday_subdivision"):
        fields[key] = items.text(where, row, key, blank=key != "timezone", max_length=64)
    fields["working_days"] = row.get("working_days")
    for key in ("day_start", "day_end"):
        try:
            fields[key] = time.fromisoformat(row.get(key))
        except (TypeError, ValueError):
            problems.append(f"calendar: {key} must be a time such as 09:00.")
            fields[key] = None
    holidays = _Items(problems, row, "holidays")
    days = set()
    for where_day, day in holidays.rows:
        where_day = f"calendar {where_day}"
        holidays.text(where_day, day, "name", max_length=120)
        try:
            holidays.unique(where_day, date.fromisoformat(day.get("date")), days, "the date")
        except (TypeError, ValueError):
            problems.append(f"{where_day}: date must be a date such as 2030-12-24.")
    if any(v is None for v in fields.values()) or name is None:
        return
    calendar = BusinessCalendar(name=name, **fields)
    try:
        calendar.clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.extend(f"calendar: {field}: {m}" for m in messages)
        return
    existing = BusinessCalendar.objects.filter(name=name).first()
    if existing is not None:
        if calendar_document(existing) != {**row, "holidays": row.get("holidays", [])}:
            problems.append(
                f"calendar: a calendar named {name!r} exists with other hours or days off; "
                "give this one another name, or the same contents."
            )


def document_problems(document) -> list[str]:
    """The problems of `document` in words (empty: it may be imported)."""
    problems: list[str] = []
    if not isinstance(document, dict):
        return ["The document must be a JSON object."]
    version = document.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        problems.append(f"format_version must be {FORMAT_VERSION}.")
    for key in document:
        if key not in PARTS and key not in DOCUMENT_SECTIONS:
            problems.append(f"The document has a part the app does not know: {key!r}.")
    top = _Items(problems, {"top": [document]}, "top")
    for key, length in (("description", None), ("input", 200), ("output", 200)):
        if key in document:
            top.text("The document", document, key, blank=True, max_length=length)
    top.boolean("The document", document, "documents_when_finished")
    _calendar_problems(problems, document.get("calendar"))

    statuses = _Items(problems, document, "statuses")
    slugs: list[str] = []
    final: set[str] = set()
    commitment = []
    stage_groups: dict[str, str] = {}
    for where, row in statuses.rows:
        slug = statuses.text(where, row, "slug", max_length=50, slug=True)
        if slug is not None:
            statuses.unique(f"Status {slug!r}", slug, set(slugs), "its slug")
            slugs.append(slug)
            where = f"Status {slug!r}"
        statuses.text(where, row, "name", max_length=80)
        statuses.text(where, row, "next_action", max_length=200, blank=True)
        is_final = statuses.boolean(where, row, "final")
        if is_final and slug:
            final.add(slug)
        outcome = statuses.choice(where, row, "outcome", ["", *StatusOutcome.values], default="")
        if outcome and is_final is False:
            problems.append(f"{where}: only a final status has an outcome.")
        if statuses.boolean(where, row, "commitment_point"):
            commitment.append(slug)
        statuses.boolean(where, row, "waiting_on_customer")
        source = _key(row.get("deadline_source", ""))
        if source and source not in DEADLINE_SOURCES:
            problems.append(f"{where}: the app knows no deadline source {source!r}.")
        group = row.get("stage_group")
        if group is not None:
            if statuses.text(where, row, "stage_group", max_length=150) and slug:
                stage_groups[slug] = group
        statuses.choice(
            where, row, "stage_assignment", StageAssignment.values, default=StageAssignment.QUEUE
        )
    if not statuses.rows:
        problems.append("The process has no status.")
    elif not final:
        problems.append("The process has no final status: no card could ever finish.")
    if len(commitment) > 1:
        problems.append(
            f"Statuses {', '.join(map(repr, commitment))}: a process has one commitment point "
            "at most."
        )
    known = set(slugs)

    transitions = _Items(problems, document, "transitions")
    names: set[str] = set()
    edges: dict[str, set[str]] = {}
    for where, row in transitions.rows:
        name = transitions.text(where, row, "name", max_length=50, slug=True)
        if name is not None:
            where = f"Transition {name!r}"
            transitions.unique(where, name, names, "its name")
        transitions.text(where, row, "label", max_length=80)
        sources = transitions.names(where, row, "from", known, "status")
        if not sources:
            problems.append(f"{where}: give the statuses it starts from.")
        target = _key(row.get("to"))
        if target not in known:
            problems.append(f"{where}: it leads to {target!r}, a status the process does not have.")
        else:
            for source in sources:
                edges.setdefault(source, set()).add(target)
        roles = transitions.names(where, row, "roles", RoleKind.values, "process role")
        if not roles:
            problems.append(f"{where}: name the process roles that may make the move.")
        transitions.names(where, row, "conditions", CONDITIONS, "condition")
        transitions.names(where, row, "effects", EFFECTS, "effect")
    if slugs:
        reached, todo = {slugs[0]}, [slugs[0]]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in reached:
                    reached.add(nxt)
                    todo.append(nxt)
        for slug in slugs:
            if slug not in reached:
                problems.append(
                    f"Status {slug!r}: nobody can reach it: no transition leads to it from "
                    f"{slugs[0]!r}, where cards start."
                )
        for slug in slugs:
            if slug not in final and not edges.get(slug):
                problems.append(f"Status {slug!r}: it is not final and no transition leaves it.")

    roles = _Items(problems, document, "roles")
    granted_groups: set[str] = set()
    grants: set = set()
    for where, row in roles.rows:
        kind = roles.choice(where, row, "kind", RoleKind.values)
        group = roles.text(where, row, "group", max_length=150)
        roles.text(where, row, "authority", max_length=50, blank=True)
        roles.unique(f"Role {kind} of {group!r}", (kind, group), grants, "the grant")
        granted_groups.add(group)
    for slug, group in stage_groups.items():
        if group not in granted_groups:
            problems.append(
                f"Status {slug!r}: its stage group {group!r} needs a role in the process "
                "(add it under roles)."
            )

    for part in ("sla", "targets"):
        clocks = _Items(problems, document, part)
        seen: set = set()
        what = "SLA" if part == "sla" else "Target"
        for where, row in clocks.rows:
            status = _key(row.get("status"))
            if status not in known:
                problems.append(f"{what} for {status!r}: the process has no such status.")
            elif part == "sla" and status in final:
                problems.append(f"SLA for {status!r}: a final status has no clock.")
            priority = clocks.choice(where, row, "priority", PRIORITIES, default=ANY_PRIORITY)
            key = (status, priority) if part == "sla" else priority
            clocks.unique(f"{what} for {status!r} ({priority})", key, seen, "it")
            clocks.number(where, row, "allowance_minutes")
            clocks.number(where, row, "at_risk_percent", high=99)

    rules = _Items(problems, document, "exception_rules")
    seen = set()
    for where, row in rules.rows:
        family = rules.text(where, row, "family", max_length=50, slug=True)
        if family == AD_HOC_FAMILY:
            problems.append(
                f"{where}: family {AD_HOC_FAMILY} is kept for exceptions no rule foresees."
            )
        level = rules.number(where, row, "level", high=MAX_SMALL)
        if family is not None and level is not None:
            where = f"Exception rule {family} level {level}"
            rules.unique(where, (family, level), seen, "its family and level")
        rules.text(where, row, "name", max_length=120)
        field = rules.choice(where, row, "field", list(RULE_FIELDS))
        operator = rules.choice(where, row, "operator", Operator.values)
        threshold = rules.text(where, row, "threshold", max_length=40)
        if field and threshold is not None:
            spec = RULE_FIELDS[field]
            if spec.numeric:
                try:
                    Decimal(threshold)
                except InvalidOperation:
                    problems.append(f"{where}: {field} is a number: give a number.")
            elif operator and operator not in (Operator.EQ, Operator.NE):
                problems.append(f"{where}: {field} is compared with == or != only.")
        rules.choice(where, row, "approver", RoleKind.values)
        rules.text(where, row, "authority", max_length=50, blank=True)
        if _key(row.get("guards")) not in names:
            problems.append(
                f"{where}: it guards {row.get('guards')!r}, a transition the process does not have."
            )
        rules.number(where, row, "decision_sla_hours")
        rules.boolean(where, row, "active")

    reasons = _Items(problems, document, "block_reasons")
    seen = set()
    for where, row in reasons.rows:
        slug = reasons.text(where, row, "slug", max_length=50, slug=True)
        reasons.unique(f"Block reason {slug!r}", slug, seen, "its slug")
        reasons.text(where, row, "name", max_length=120)

    for name, section in sorted(DOCUMENT_SECTIONS.items()):
        problems.extend(section.check(document.get(name, section.empty()), document))
    return problems
