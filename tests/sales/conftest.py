"""Repeat sales' personas and builders: sam, an account manager (executor of order to cash and
of reactivation); segments; the reactivation process reinstalled if a transactional test
flushed it."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps as django_apps

from processes.models import Client, ClientSegment, Process
from processes.services import card_create
from roles.models import ProcessRole, RoleKind
from tests.conftest import _user

# Before every order of the tests: a client counts from when it became one.
CLIENTS_SINCE = datetime(2030, 1, 1, 9, tzinfo=UTC)


@pytest.fixture
def reactivation(o2c) -> Process:
    if not Process.objects.filter(slug="reactivation").exists():
        importlib.import_module("sales.migrations.0002_reactivation_process").install(
            django_apps, None
        )
    return Process.objects.get(slug="reactivation")


@pytest.fixture
def sam(o2c, reactivation):
    user = _user("sam")
    for process in (o2c, reactivation):
        ProcessRole.objects.create(process_id=process.pk, kind=RoleKind.EXECUTOR, user=user)
    return user


@pytest.fixture
def wholesale(db) -> ClientSegment:
    return ClientSegment.objects.create(name="Wholesale", order_interval_days=30)


@pytest.fixture
def retail(db) -> ClientSegment:
    return ClientSegment.objects.create(name="Retail", order_interval_days=60)


@pytest.fixture
def make_client(db):
    def make(name, segment=None, manager=None, since=CLIENTS_SINCE):
        return Client.objects.create(
            name=name, segment=segment, account_manager=manager, created_at=since
        )

    return make


@pytest.fixture
def order(o2c, alice):
    """An order card of the client, created at `at`."""

    def make(client, at):
        return card_create(
            actor=alice,
            process=o2c,
            title=f"Order of {client.name if client else 'nobody'}",
            client=client,
            at=at,
        )

    return make
