"""The card's clocks are read at an instant the caller gives; no model reads the clock itself."""

import inspect
from datetime import UTC, datetime, timedelta

from django.apps import apps

from opmodel.templatetags.opmodel_ui import age_class, since
from processes.api.serializers import CardSerializer
from processes.models import ApprovalRequest, ApprovalStatus
from processes.services import card_create
from processes.sla import sla_state, target_state
from processes.templatetags.process_ui import sla_text


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# Monday 10:00 Berlin, normal priority: 4 business hours in received (at risk at 13:00 Berlin,
# due 14:00), and 45 business hours to fulfilled.
CREATED = utc(2026, 11, 23, 9)


def test_no_model_property_reads_the_clock():
    readers = [
        f"{model.__name__}.{name}"
        for model in apps.get_app_config("processes").get_models()
        for name, member in inspect.getmembers(model, lambda m: isinstance(m, property))
        if "now(" in inspect.getsource(member.fget)
    ]
    assert readers == []


def test_the_states_are_those_of_the_instant_asked_about(o2c, alice, acme):
    card = card_create(actor=alice, process=o2c, title="Cables", client=acme, at=CREATED)
    assert sla_state(card, utc(2026, 11, 23, 11, 59)) == "on_track"
    assert sla_state(card, utc(2026, 11, 23, 12)) == "at_risk"
    # Breached means after the deadline: at its very instant the card is on time.
    assert sla_state(card, utc(2026, 11, 23, 13)) == "at_risk"
    assert sla_state(card, utc(2026, 11, 23, 13, 0, 1)) == "breached"
    assert target_state(card, utc(2026, 11, 23, 13)) == "on_track"
    assert target_state(card, utc(2026, 11, 30, 9, 0, 1)) == "breached"


def test_the_api_reads_the_states_at_the_instant_it_is_given(o2c, alice, acme):
    card = card_create(actor=alice, process=o2c, title="Cables", client=acme, at=CREATED)
    early = CardSerializer(card, context={"now": utc(2026, 11, 23, 10)}).data
    late = CardSerializer(card, context={"now": utc(2026, 11, 30, 9, 0, 1)}).data
    assert (early["sla_state"], early["target_state"]) == ("on_track", "on_track")
    assert (late["sla_state"], late["target_state"]) == ("breached", "breached")


def test_the_page_filters_take_the_page_instant(o2c, alice, acme):
    card = card_create(actor=alice, process=o2c, title="Cables", client=acme, at=CREATED)
    assert sla_text(card, utc(2026, 11, 23, 12, 30)) == "30m left"
    assert sla_text(card, utc(2026, 11, 23, 16)) == "Late by 3h"
    assert since(CREATED, CREATED + timedelta(hours=5)) == "5h"
    assert since(CREATED, CREATED - timedelta(hours=5)) == "<1m"  # a moment ahead
    assert age_class(CREATED, CREATED + timedelta(days=2)) == "age-fresh"
    assert age_class(CREATED, CREATED + timedelta(days=3)) == "age-mid"
    assert age_class(CREATED, CREATED + timedelta(days=14)) == "age-old"


def test_an_approval_is_overdue_from_its_deadline_on():
    due = utc(2026, 11, 23, 10)
    request = ApprovalRequest(status=ApprovalStatus.PENDING, due_at=due)
    assert not request.is_overdue_at(due - timedelta(seconds=1))
    assert request.is_overdue_at(due)
    request.status = ApprovalStatus.APPROVED
    assert not request.is_overdue_at(due + timedelta(days=1))
