"""Alerts for tests: the team who hears of them, a card, and raising them as a worker does.

Personas from tests/conftest.py: alice is the executor of order to cash, bob its accountable,
olga its approver (and here the card's responsible person), charlie holds no role. Added here:
dave holds the escalation role, gina is executor through the group "order-desk".
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from metrics.models import AlertLevel
from metrics.services import alert_key, alerts_raise
from notifications.models import Notification
from roles.models import ProcessRole, RoleKind
from tests.conftest import PASSWORD


@pytest.fixture
def dave(o2c):
    user = get_user_model().objects.create_user(
        username="dave", password=PASSWORD, email="dave@example.com"
    )
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.ESCALATION, user=user)
    return user


@pytest.fixture
def gina(o2c):
    """Executor through a group grant, not a grant of her own."""
    user = get_user_model().objects.create_user(
        username="gina", password=PASSWORD, email="gina@example.com"
    )
    desk = Group.objects.create(name="order-desk")
    desk.user_set.add(user)
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.EXECUTOR, group=desk)
    return user


@pytest.fixture
def team(alice, bob, olga, charlie, dave, gina):
    return {u.username: u for u in (alice, bob, olga, charlie, dave, gina)}


@pytest.fixture
def card(make_card, olga, team):
    return make_card(title="Drills for Acme", responsible=olga)


def candidate(card, level=AlertLevel.AT_RISK, visit=1, due_in=timedelta(hours=1)):
    return {
        "card_id": card.pk,
        "status": card.status,
        "visit": visit,
        "level": level,
        "due_at": timezone.now() + due_in,
    }


@pytest.fixture
def raise_alerts(django_capture_on_commit_callbacks):
    """alerts_raise as a worker runs it: the e-mails go when its transaction commits."""

    def run(*candidates, now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return alerts_raise(candidates=list(candidates), now=now or timezone.now())

    return run


def recipients(alert) -> set[str]:
    return set(notifications_of(alert).values_list("user__username", flat=True))


def notifications_of(alert):
    return Notification.objects.filter(key=alert_key(alert.pk))


def mailed(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)
