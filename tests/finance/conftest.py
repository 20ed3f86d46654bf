"""Finance personas and cards: fiona holds order to cash's finance approver grant (she records
payments and approves deferred terms); the clock stands on Wednesday 2026-11-18, 11:00 in
Berlin (the standard calendar's zone) unless a test moves it."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

from processes.models import ApprovalRequest
from processes.services import approval_decide, card_item_add, card_transition
from roles.models import ProcessRole, RoleKind
from tests.conftest import PASSWORD

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def fiona(o2c):
    user = get_user_model().objects.create_user(
        username="fiona", password=PASSWORD, email="fiona@example.com"
    )
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.APPROVER, authority="finance", user=user
    )
    return user


@pytest.fixture
def order(make_card, alice, acme):
    """A card of 2 x 600.00 less 10%: net 1,080.00, agreed and ready to invoice."""

    def order(terms="prepaid", days=None, *, approver=None, client=acme, title="Order"):
        card = make_card(
            title=title,
            client=client,
            payment_terms=terms,
            deferred_days=days,
            shipment_date=date(2026, 12, 1),
            promised_on=date(2026, 12, 1),
            discount_percent=Decimal("10"),
        )
        card_item_add(
            actor=alice,
            card=card,
            product="Pump",
            quantity=Decimal("2"),
            unit_price=Decimal("600.00"),
            unit_cost=Decimal("400.00"),
        )
        card.refresh_from_db()
        for name in ["qualify", "price", "agree"]:
            card = card_transition(actor=alice, card=card, name=name)
        if terms == "deferred":
            request = ApprovalRequest.objects.get(card=card, status="pending")
            approval_decide(actor=approver, approval=request, approve=True)
        return card

    return order


@pytest.fixture
def invoiced(order, alice, fiona):
    def invoiced(terms="prepaid", days=None, **kwargs):
        card = order(terms, days, approver=fiona, **kwargs)
        return card_transition(actor=alice, card=card, name="invoice")

    return invoiced


@pytest.fixture
def oscar(o2c):
    """An executor of order to cash through a grant of his own, in no stage group: he works in
    the process but is not finance (alice, in the Finance group for the stage roles, is)."""
    user = get_user_model().objects.create_user(
        username="oscar", password=PASSWORD, email="oscar@example.com"
    )
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.EXECUTOR, user=user)
    return user
