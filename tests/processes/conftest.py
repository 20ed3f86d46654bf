"""Approvers with an authority, for the exception tests (olga, in tests/conftest.py, holds the
approver role with a blank authority: she decides every exception, like the demo's owner)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from processes.services import card_item_add, card_transition, card_update
from roles.models import ProcessRole, RoleKind
from tests.conftest import PASSWORD


def grant(o2c, username: str, kind: str, authority: str = ""):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.com"
    )
    ProcessRole.objects.create(process_id=o2c.pk, kind=kind, user=user, authority=authority)
    return user


@pytest.fixture
def mike(o2c):
    """Manager-level approver: decides discounts over 10%, not over 20%."""
    return grant(o2c, "mike", RoleKind.APPROVER, "manager")


@pytest.fixture
def fiona(o2c):
    """Financial control: decides deferred payment only."""
    return grant(o2c, "fiona", RoleKind.APPROVER, "finance")


@pytest.fixture
def eddie(o2c):
    """The escalation role of order to cash."""
    return grant(o2c, "eddie", RoleKind.ESCALATION)


@pytest.fixture
def priced(make_card, alice, acme):
    """A card in `priced` with a shipment date and a 40% margin: `agree` is allowed."""
    card = make_card(client=acme)
    card_item_add(
        actor=alice,
        card=card,
        product="Drill",
        quantity=Decimal("10"),
        unit_price=Decimal("100.00"),
        unit_cost=Decimal("60.00"),
    )
    card_transition(actor=alice, card=card, name="qualify")
    card_transition(actor=alice, card=card, name="price")
    card_update(
        actor=alice,
        card=card,
        changes={"shipment_date": date(2030, 1, 15), "promised_on": date(2030, 1, 15)},
    )
    return card
