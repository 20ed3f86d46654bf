"""Personas and small builders shared by every test folder, and the suite's clock.

alice is the executor of order to cash (and a member of its stage roles, the groups Warehouse
and Finance, so that she moves a card along the whole path), bob its accountable, olga its
approver, charlie holds no role anywhere (the outsider: he must see nothing).

OPMODEL_TEST_NOW=2026-12-28T00:30:00+00:00 runs the whole suite as if it started at that
instant: the clock is moved there (time_machine, ticking) before any test module is imported.
Tests whose outcome needs another process's clock (a real Celery worker, Chromium, the database
server's now()) cannot be moved with it; they carry a marker saying so and are skipped in such a
run (see CLOCK_BOUND_MARKERS).
"""

import importlib
import os
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from opmodel.celery import app as celery_app
from processes.models import Client, Process
from processes.services import card_create, card_item_add
from roles.models import ProcessRole, RoleKind

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM
# calls there (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"
# Order to cash's stage roles (processes/migrations/0028_order_to_cash_stage_roles.py).
STAGE_GROUPS = ("Warehouse", "Finance")

TEST_NOW_VARIABLE = "OPMODEL_TEST_NOW"
# Markers of tests that run against a clock this process cannot move, with the reason.
CLOCK_BOUND_MARKERS = {
    "worker": "a real Celery worker runs in its own process, on the real clock",
    "browser": "Chromium keeps its own clock (cookies would expire by it)",
    "real_clock": "compares with a clock outside this process",
}
_travel = None


def _test_now() -> datetime | None:
    raw = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        instant = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise pytest.UsageError(
            f"{TEST_NOW_VARIABLE}={raw!r} is not an ISO 8601 instant with an offset, "
            "e.g. 2026-12-28T00:30:00+00:00 or 2026-12-31T23:59:00Z."
        )
    return instant


def pytest_configure(config):
    global _travel
    instant = _test_now()
    if instant is not None:
        # Ticking: code that measures elapsed time (timeouts, waits) keeps working.
        _travel = time_machine.travel(instant, tick=True)
        _travel.start()


def pytest_unconfigure(config):
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


def pytest_report_header(config):
    instant = _test_now()
    if instant is not None:
        return f"clock: the suite runs as if it were {instant.isoformat()} (ticking)"
    return None


def pytest_collection_modifyitems(config, items):
    if _test_now() is None:
        return
    for item in items:
        for marker, reason in CLOCK_BOUND_MARKERS.items():
            if item.get_closest_marker(marker) is not None:
                item.add_marker(pytest.mark.skip(reason=f"{TEST_NOW_VARIABLE} set: {reason}"))
                break


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_the_test(request):
    """A task queued in a test (the e-mails of notifications, after the commit) runs at once in
    the test's process, as a worker would run it. Tests that start a real worker (`worker`
    marker) or look into the broker (`filesystem_broker`) get the broker."""
    if request.node.get_closest_marker("worker") or "filesystem_broker" in request.fixturenames:
        yield
        return
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def o2c(db) -> Process:
    return order_to_cash()


def order_to_cash() -> Process:
    """Order to cash as its data migrations make it (the `o2c` fixture, and a module's shared
    demo: tests/seeded.py)."""
    # A transactional test before this one may have flushed the rows the data migration made.
    if not Process.objects.filter(slug="order-to-cash").exists():
        for name in [
            "0002_order_to_cash",
            "0004_standard_calendar",
            "0006_order_to_cash_slas",
            "0008_order_to_cash_target",
            "0012_order_to_cash_exception_rules",
            "0014_status_outcome",
            "0025_order_to_cash_promise",
            "0028_order_to_cash_stage_roles",
        ]:
            migration = importlib.import_module(f"processes.migrations.{name}")
            migration.install(django_apps, None)
        # Order to cash follows the money (issue 24): invoices, payment conditions, deadlines.
        money = importlib.import_module("finance.migrations.0002_order_to_cash_money")
        money.install(django_apps, None)
    return Process.objects.get(slug="order-to-cash")


def _user(username: str):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.com"
    )


@pytest.fixture
def alice(o2c):
    user = _user("alice")
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.EXECUTOR, user=user)
    user.groups.add(*Group.objects.filter(name__in=STAGE_GROUPS))
    return user


@pytest.fixture
def bob(o2c):
    user = _user("bob")
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.ACCOUNTABLE, user=user)
    return user


@pytest.fixture
def olga(o2c):
    user = _user("olga")
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.APPROVER, user=user)
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


@pytest.fixture(autouse=True)
def _fresh_cache():
    # DRF's throttles count requests in the cache: each test starts with none counted.
    from django.core.cache import cache

    from metrics.promises.typical import typical_times_forget
    from processes.definition import definitions_forget

    try:
        cache.clear()
    except RuntimeError:
        # The cache is a database table; a test without the database cannot have counted in it.
        pass
    definitions_forget()
    typical_times_forget()
    yield


def settle(card) -> None:
    """The card's invoice paid in full, as finance would record it: order to cash ships prepaid
    goods and closes a card only once its invoice is paid (issue 24). For tests that walk a card
    along the path; the payments themselves are tested in tests/finance/."""
    from django.db.models import F

    from finance.models import Invoice

    Invoice.objects.filter(card_id=getattr(card, "pk", card)).update(
        paid=F("amount"), paid_in_full_on=F("issued_on")
    )
