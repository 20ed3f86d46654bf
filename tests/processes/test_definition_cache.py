"""The process's definition is loaded once and held until it changes (issue 15, point 13): a
move reads no transition, SLA policy, calendar, target or exception rule while nothing changed,
and any change to one of them is seen by the next move."""

from datetime import date

import pytest

from processes.definition import definitions_forget, process_definition
from processes.errors import TransitionRefused
from processes.models import (
    BusinessCalendar,
    ExceptionRule,
    Holiday,
    Process,
    ProcessTarget,
    SLAPolicy,
    Status,
    Transition,
)
from processes.services import card_transition

pytestmark = pytest.mark.django_db


def _fresh(process):
    return Process.objects.get(pk=process.pk)


def test_the_definition_is_loaded_once_per_version(o2c, django_assert_num_queries):
    definitions_forget()
    process = _fresh(o2c)
    # transitions, their sources, the calendar, its holidays, rules, SLA policies, targets
    with django_assert_num_queries(7):
        first = process_definition(process)
    with django_assert_num_queries(0):
        again = process_definition(Process(pk=o2c.pk, definition_version=first.version))
    assert again is first
    assert set(first.transitions) >= {"qualify", "price", "agree", "mark_lost"}
    assert first.sources["qualify"] == {"received"}


@pytest.mark.parametrize(
    "change",
    [
        "status",
        "transition",
        "sources",
        "sla_policy",
        "target",
        "exception_rule",
        "calendar",
        "holiday",
        "process",
    ],
)
def test_any_change_to_the_definition_gives_a_new_version(o2c, change):
    before = _fresh(o2c).definition_version
    received = Status.objects.get(process=o2c, slug="received")
    qualify = Transition.objects.get(process=o2c, name="qualify")
    if change == "status":
        received.name = "In"
        received.save()
    elif change == "transition":
        qualify.label = "Check"
        qualify.save()
    elif change == "sources":
        qualify.sources.add(Status.objects.get(process=o2c, slug="qualified"))
    elif change == "sla_policy":
        SLAPolicy.objects.filter(process=o2c).first().delete()
    elif change == "target":
        ProcessTarget.objects.filter(process=o2c).first().delete()
    elif change == "exception_rule":
        rule = ExceptionRule.objects.filter(process=o2c).first()
        rule.is_active = False
        rule.save()
    elif change == "calendar":
        calendar = BusinessCalendar.objects.standard()
        calendar.day_end = calendar.day_end.replace(hour=16)
        calendar.save()
    elif change == "holiday":
        Holiday.objects.create(
            calendar=BusinessCalendar.objects.standard(), date=date(2027, 3, 3), name="Off"
        )
    elif change == "process":
        o2c.name = "Orders"
        o2c.save()

    assert _fresh(o2c).definition_version != before


def test_a_move_sees_a_transition_changed_since_it_was_held(alice, priced_card, o2c):
    process_definition(_fresh(o2c))  # held
    Transition.objects.get(process=o2c, name="qualify").sources.clear()

    card = type(priced_card).objects.select_related("process").get(pk=priced_card.pk)
    with pytest.raises(TransitionRefused, match="not possible from the status"):
        card_transition(actor=alice, card=card, name="qualify")
