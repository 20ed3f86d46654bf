"""Personas and small builders shared by every test folder.

alice is the executor of order to cash, bob its accountable, olga its approver, charlie holds no
role anywhere (the outsider: he must see nothing).
"""

import importlib
import os
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model

from processes.models import Client, Process
from processes.services import card_create, card_item_add
from roles.models import ProcessRole, RoleKind

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM
# calls there (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def o2c(db) -> Process:
    # A transactional test before this one may have flushed the rows the data migration made.
    if not Process.objects.filter(slug="order-to-cash").exists():
        for name in [
            "0002_order_to_cash",
            "0004_standard_calendar",
            "0006_order_to_cash_slas",
            "0008_order_to_cash_target",
            "0012_order_to_cash_exception_rules",
            "0014_status_outcome",
        ]:
            migration = importlib.import_module(f"processes.migrations.{name}")
            migration.install(django_apps, None)
    return Process.objects.get(slug="order-to-cash")


def _user(username: str):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.com"
    )


@pytest.fixture
def alice(o2c):
    user = _user("alice")
    ProcessRole.objects.create(process=o2c, kind=RoleKind.EXECUTOR, user=user)
    return user


@pytest.fixture
def bob(o2c):
    user = _user("bob")
    ProcessRole.objects.create(process=o2c, kind=RoleKind.ACCOUNTABLE, user=user)
    return user


@pytest.fixture
def olga(o2c):
    user = _user("olga")
    ProcessRole.objects.create(process=o2c, kind=RoleKind.APPROVER, user=user)
    return user


@pytest.fixture
def charlie(db):
    return _user("charlie")


@pytest.fixture
def acme(db) -> Client:
    return Client.objects.create(name="Acme Tools")


@pytest.fixture
def make_card(o2c, alice):
    def make(title="Order of drills", actor=None, **fields):
        return card_create(
            actor=actor or alice, process=fields.pop("process", o2c), title=title, **fields
        )

    return make


@pytest.fixture
def priced_card(make_card, alice, acme):
    """A card with a client and one line item, still in `received`."""
    card = make_card(client=acme)
    card_item_add(
        actor=alice,
        card=card,
        product="Drill",
        quantity=Decimal("2"),
        unit_price=Decimal("100.00"),
        unit_cost=Decimal("60.00"),
    )
    return card
