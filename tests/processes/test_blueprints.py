"""A process as a document (issue 26, point 1): export -> import as a new slug -> export gives
the same document, a card moved through the copy behaves as in the original, and each kind of
invalid document is refused with its problem named and nothing written."""

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from processes.blueprints import (
    DocumentInvalid,
    process_clone,
    process_document,
    process_from_document,
)
from processes.models import (
    BlockReason,
    BusinessCalendar,
    DefinitionVersion,
    ExceptionRule,
    Process,
    SLAPolicy,
    Status,
    Transition,
)
from processes.services import card_create, card_item_add, card_transition, card_update
from reviews.models import Rhythm
from roles.models import ProcessRole, RoleKind

AT = datetime(2030, 1, 14, 9, tzinfo=UTC)  # a Monday, 10:00 in Berlin


def _counts():
    return [
        m.objects.count()
        for m in (
            Process,
            Status,
            Transition,
            SLAPolicy,
            ExceptionRule,
            BlockReason,
            BusinessCalendar,
            ProcessRole,
            DefinitionVersion,
            Rhythm,
            Group,
        )
    ]


@pytest.fixture
def o2c_full(o2c):
    """Order to cash with a rhythm of its own (reviews' part of the document) and a calendar
    of its own with a company day off, so that every part of the document is exercised."""
    from datetime import date, time

    calendar = BusinessCalendar.objects.create(
        name="Berlin office", timezone="Europe/Berlin", holiday_country="DE"
    )
    calendar.holidays.create(date=date(2030, 12, 24), name="Christmas Eve")
    Process.objects.filter(pk=o2c.pk).update(calendar=calendar)
    Rhythm.objects.create(process=o2c, level="weekly", time_of_day=time(10), weekday=1)
    Rhythm.objects.create(
        process=o2c, level="monthly", time_of_day=time(11), weekday=2, nth=1,
        facilitator_kind="approver",
    )  # fmt: skip
    o2c.refresh_from_db()
    return o2c


def test_round_trip_export_import_export_is_the_same_document(o2c_full, bob):
    first = process_document(o2c_full)
    # Everything is there, in words a person reads.
    assert [s["slug"] for s in first["statuses"]][:3] == ["received", "qualified", "priced"]
    assert {r["group"] for r in first["roles"]} == {"Warehouse", "Finance"}
    assert {"status": "priced", "priority": "any", "allowance_minutes": 960,
            "at_risk_percent": 75} in first["sla"]  # fmt: skip
    assert first["calendar"]["holidays"] == [{"date": "2030-12-24", "name": "Christmas Eve"}]
    assert [r["level"] for r in first["rhythm"]] == ["weekly", "monthly"]
    assert first["exception_rules"] and first["targets"] and first["block_reasons"]
    # Through JSON text, as a file or the API carries it.
    copy_of = process_from_document(
        json.loads(json.dumps(first)), slug="o2c-copy", name="Order to cash (copy)", by=bob
    )
    second = process_document(copy_of)
    assert second == first
    assert json.dumps(second) == json.dumps(first)  # the same key and list order too
    assert copy_of.owner == bob and copy_of.calendar_id == o2c_full.calendar_id
    assert ProcessRole.objects.filter(process_id=copy_of.pk, user=bob, kind="accountable").exists()
    version = DefinitionVersion.objects.get(process=copy_of)
    assert (version.number, version.by, version.changes) == (1, bob, ["Created from a document."])
    assert version.document == second


def test_clone_is_export_then_import(o2c, bob):
    clone = process_clone(o2c, slug="o2c-2", name="Order to cash 2", by=bob)
    assert process_document(clone) == process_document(o2c)
    assert DefinitionVersion.objects.get(process=clone).changes == ["Cloned from Order to cash."]


def _walk(process, alice, acme):
    """A card through the process's first moves; what a person and the figures read of it."""
    card = card_create(actor=alice, process=process, title="Drills", client=acme, at=AT)
    seen = [(card.status, card.due_at, card.at_risk_at)]
    card = card_transition(actor=alice, card=card, name="qualify", at=AT)
    card_item_add(actor=alice, card=card, product="Drill", quantity=Decimal("2"),
                  unit_price=Decimal("100"), unit_cost=Decimal("60"))  # fmt: skip
    card.refresh_from_db()
    card = card_transition(actor=alice, card=card, name="price", at=AT)
    seen.append((card.status, card.due_at, card.at_risk_at))
    refused = None
    try:
        card_transition(actor=alice, card=card, name="agree", at=AT)
    except Exception as error:  # noqa: BLE001 (the refusal's words are compared)
        refused = (type(error).__name__, str(error))
    card_update(actor=alice, card=card, changes={"discount_percent": Decimal("15")}, at=AT)
    card.refresh_from_db()
    approvals = sorted(r.rule.family for r in card.approval_requests.all())
    return seen, refused, approvals


def test_a_card_moved_through_the_copy_behaves_as_in_the_original(o2c, alice, bob, acme):
    copy_of = process_clone(o2c, slug="o2c-copy", name="Copy", by=bob)
    ProcessRole.objects.create(process_id=copy_of.pk, kind=RoleKind.EXECUTOR, user=alice)
    original = _walk(o2c, alice, acme)
    copied = _walk(copy_of, alice, acme)
    assert copied == original
    # Not nothing: the SLA deadlines, the refusal (no promised date) and the approval asked.
    (statuses, refused, approvals) = original
    assert statuses[1][0] == "priced" and statuses[1][1] is not None
    assert refused is not None and "promised" in refused[1]
    assert approvals == ["discount"]


def _invalid(o2c, mutate):
    document = process_document(o2c)
    mutate(document)
    return document


def _drop_transition_to(document, slug):
    document["transitions"] = [t for t in document["transitions"] if t["to"] != slug]
    document["exception_rules"] = [
        r for r in document["exception_rules"]
        if r["guards"] in {t["name"] for t in document["transitions"]}
    ]  # fmt: skip


INVALID = {
    "unreachable status": (
        lambda d: _drop_transition_to(d, "closed"),
        "Status 'closed': nobody can reach it",
    ),
    "no final status": (
        lambda d: [s.update(final=False, outcome="") for s in d["statuses"]],
        "no final status",
    ),
    "transition to an unknown status": (
        lambda d: d["transitions"][0].update(to="nowhere"),
        "Transition 'qualify': it leads to 'nowhere', a status the process does not have.",
    ),
    "SLA for a status that does not exist": (
        lambda d: d["sla"].append(
            {"status": "ghost", "priority": "any", "allowance_minutes": 60, "at_risk_percent": 75}
        ),
        "SLA for 'ghost': the process has no such status.",
    ),
    "unknown condition": (
        lambda d: d["transitions"][0]["conditions"].append("moon_is_full"),
        "Transition 'qualify': the app knows no condition 'moon_is_full'.",
    ),
    "unknown effect": (
        lambda d: d["transitions"][0]["effects"].append("launch_rocket"),
        "Transition 'qualify': the app knows no effect 'launch_rocket'.",
    ),
    "duplicate status": (
        lambda d: d["statuses"].append(copy.deepcopy(d["statuses"][1])),
        "Status 'qualified': its slug appears twice.",
    ),
    "duplicate transition": (
        lambda d: d["transitions"].append(copy.deepcopy(d["transitions"][1])),
        "Transition 'price': its name appears twice.",
    ),
    "wrong type": (
        lambda d: d["sla"][0].update(allowance_minutes="four hours"),
        "allowance_minutes must be a whole number of at least 1.",
    ),
    "unknown deadline source": (
        lambda d: d["statuses"][0].update(deadline_source="tides"),
        "Status 'received': the app knows no deadline source 'tides'.",
    ),
    "rule guarding an unknown transition": (
        lambda d: d["exception_rules"][0].update(guards="teleport"),
        "it guards 'teleport', a transition the process does not have.",
    ),
    "rule in the family of exceptions no rule foresees": (
        lambda d: d["exception_rules"][0].update(family="ad-hoc"),
        "family ad-hoc is kept for exceptions no rule foresees.",
    ),
    "stage group without a role": (
        lambda d: d.update(roles=[]),
        "its stage group 'Warehouse' needs a role in the process",
    ),
    "bad rhythm": (
        lambda d: d.update(rhythm=[{"level": "hourly"}]),
        "rhythm #1: level 'hourly' is not one of",
    ),
    "unknown part": (lambda d: d.update(colour="blue"), "a part the app does not know: 'colour'"),
    "wrong format version": (lambda d: d.update(format_version=99), "format_version must be 1."),
}


@pytest.mark.parametrize("kind", list(INVALID))
def test_each_kind_of_invalid_document_is_refused_with_its_problem_and_nothing_written(
    o2c, bob, kind
):
    mutate, words = INVALID[kind]
    document = _invalid(o2c, mutate)
    before = _counts()
    with pytest.raises(DocumentInvalid) as refused:
        process_from_document(document, slug="broken", name="Broken", by=bob)
    assert any(words in problem for problem in refused.value.problems), refused.value.problems
    assert _counts() == before


def test_every_problem_is_listed_at_once(o2c, bob):
    document = process_document(o2c)
    document["transitions"][0]["to"] = "nowhere"
    document["sla"][0]["status"] = "ghost"
    document["transitions"][1]["effects"] = ["launch_rocket"]
    with pytest.raises(DocumentInvalid) as refused:
        process_from_document(document, slug="order-to-cash", name="", by=bob)
    problems = refused.value.problems
    assert "slug: a process 'order-to-cash' exists already." in problems
    assert "name: give the process a name." in problems
    assert len(problems) >= 5


def test_a_calendar_of_the_same_name_with_other_hours_is_a_problem(o2c_full, bob):
    document = process_document(o2c_full)
    document["calendar"]["day_end"] = "17:00"
    with pytest.raises(DocumentInvalid) as refused:
        process_from_document(document, slug="other", name="Other", by=bob)
    assert any("exists with other hours" in p for p in refused.value.problems)
    document["calendar"]["name"] = "Short days"
    made = process_from_document(document, slug="other", name="Other", by=bob)
    assert made.calendar.name == "Short days" and made.calendar.day_end.hour == 17
    assert made.calendar.holidays.count() == 1


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["transitions"][0].update(to=["a", "list"]),
        lambda d: d["sla"][0].update(status={"a": 1}),
        lambda d: d["statuses"][0].update(deadline_source=[1]),
        lambda d: d["statuses"][0].update(name="Re\x00ceived"),
        lambda d: d["statuses"][0].update(name="Re\ud800ceived"),
        lambda d: d["sla"][0].update(allowance_minutes=2**40),
        lambda d: d.update(statuses="all of them"),
        lambda d: d.update(calendar={"name": 1}),
    ],
    ids=["list-target", "dict-status", "list-source", "nul", "surrogate", "huge", "text", "cal"],
)
def test_hostile_documents_are_problems_not_crashes(o2c, bob, mutate):
    document = process_document(o2c)
    mutate(document)
    with pytest.raises(DocumentInvalid) as refused:
        process_from_document(document, slug="hostile", name="Hostile", by=bob)
    assert refused.value.problems
    assert not Process.objects.filter(slug="hostile").exists()


def test_a_document_that_is_not_an_object_is_one_problem(db, bob):
    with pytest.raises(DocumentInvalid) as refused:
        process_from_document(["not", "a", "document"], slug="x", name="X", by=bob)
    assert refused.value.problems == ["The document must be a JSON object."]
