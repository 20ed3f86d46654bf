"""Customer service personas: sam of the Service group (its executor), maggie accountable of
both order to cash and customer service (she reads the weekly dashboard and the complaints);
customer service reinstalled if a transactional test flushed it. The clock stands on Wednesday
2030-03-13, 11:00 in Berlin, after the hand-built week 2030-W10 (Mar 4-10)."""

import importlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from processes.models import Process
from roles.models import ProcessRole, RoleKind
from tests.conftest import PASSWORD

NOW = datetime(2030, 3, 13, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def service(o2c) -> Process:
    if not Process.objects.filter(slug="customer-service").exists():
        importlib.import_module("service.migrations.0002_customer_service_process").install(
            django_apps, None
        )
    return Process.objects.get(slug="customer-service")


def _user(username):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.com"
    )


@pytest.fixture
def sam(service):
    user = _user("sam")
    user.groups.add(Group.objects.get(name="Service"))
    return user


@pytest.fixture
def maggie(service, o2c):
    user = _user("maggie")
    for process in (o2c, service):
        ProcessRole.objects.create(process_id=process.pk, kind=RoleKind.ACCOUNTABLE, user=user)
    return user
