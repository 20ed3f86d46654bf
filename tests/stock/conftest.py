"""Stock personas: wanda of the Warehouse group, percy purchasing's executor; a warehouse and
products; the purchasing process reinstalled if a transactional test flushed it."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from processes.models import Process
from roles.models import ProcessRole, RoleKind
from stock.models import Product, Warehouse
from stock.services.lines import stock_item_add
from stock.services.movements import stock_move
from tests.conftest import PASSWORD


@pytest.fixture
def purchasing(o2c) -> Process:
    return purchasing_process()


def purchasing_process() -> Process:
    """Purchasing and the stage groups, reinstalled if a transactional test flushed them."""
    if (
        not Process.objects.filter(slug="purchasing").exists()
        or not Group.objects.filter(name="Warehouse").exists()
    ):
        importlib.import_module("stock.migrations.0002_purchasing_and_order_to_cash").install(
            django_apps, None
        )
    return Process.objects.get(slug="purchasing")


@pytest.fixture
def wanda(purchasing):
    user = get_user_model().objects.create_user(
        username="wanda", password=PASSWORD, email="wanda@example.com"
    )
    user.groups.add(Group.objects.get(name="Warehouse"))
    return user


@pytest.fixture
def ollie(o2c):
    """An executor of order to cash outside the Warehouse group: he may not move stock (alice
    may since issue 24, as a member of the stage roles Warehouse and Finance)."""
    user = get_user_model().objects.create_user(
        username="ollie", password=PASSWORD, email="ollie@example.com"
    )
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.EXECUTOR, user=user)
    return user


@pytest.fixture
def percy(purchasing):
    user = get_user_model().objects.create_user(
        username="percy", password=PASSWORD, email="percy@example.com"
    )
    ProcessRole.objects.create(process_id=purchasing.pk, kind=RoleKind.EXECUTOR, user=user)
    return user


@pytest.fixture
def main_warehouse(db) -> Warehouse:
    return Warehouse.objects.create(code="MAIN", name="Main warehouse")


@pytest.fixture
def drill(db) -> Product:
    return Product.objects.create(sku="DRL-1", name="Drill", unit="pcs")


@pytest.fixture
def cable(db) -> Product:
    return Product.objects.create(sku="CBL-1", name="Cable", unit="m", unit_whole=False)


@pytest.fixture
def receive(wanda, main_warehouse):
    def receive(product, quantity, **kwargs):
        return stock_move(
            actor=wanda,
            sku=product.sku,
            warehouse=main_warehouse.code,
            quantity=Decimal(quantity),
            kind=kwargs.pop("kind", "receipt"),
            now=kwargs.pop("now", timezone.now()),
            **kwargs,
        )

    return receive


@pytest.fixture
def stock_card(make_card, alice, acme, main_warehouse, purchasing):
    """An order card with a stock line of `quantity` units of `product`, in `qualified`."""
    from processes.services import card_transition

    def make(product, quantity, title="Order", responsible=None):
        card = make_card(title=title, client=acme, responsible=responsible)
        stock_item_add(
            actor=alice,
            card=card,
            sku=product.sku,
            quantity=Decimal(quantity),
            unit_price=Decimal("100"),
            unit_cost=Decimal("60"),
            at=timezone.now(),
        )
        card_transition(actor=alice, card=card, name="qualify")
        card.refresh_from_db()
        return card

    return make
