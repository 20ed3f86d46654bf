"""Password guessing is locked out (issue 15, point 6): per username and per address, on the
login page, the admin's login and the token endpoint; a cool-off or an admin lets people back."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
TOKEN_URL = "/api/auth/token/"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def no_throttle(monkeypatch):
    # These tests are about django-axes: the per-address request rate is tested on its own.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth-token", "10000/minute")


def form_login(username, password, address="10.0.0.1", url=LOGIN):
    return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})


def token_login(username, password, address="10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )


def cool_off() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def test_fifty_wrong_passwords_then_the_right_one_is_refused_on_the_login_page(alice, clock):
    for _ in range(50):
        form_login("alice", "wrong")

    answer = form_login("alice", PASSWORD)

    assert answer.status_code == 429
    html = answer.content.decode()
    assert "Too many failed logins" in html and "Try again in 15 minutes" in html
    assert answer["Retry-After"] == str(int(cool_off().total_seconds()))
    assert "_auth_user_id" not in answer.client.session


def test_the_lockout_starts_at_the_limit(alice, clock):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert form_login("alice", "wrong").status_code == 200

    assert form_login("alice", "wrong").status_code == 429
    assert form_login("alice", PASSWORD).status_code == 429


def test_after_the_cool_off_the_right_password_works(alice, clock):
    for _ in range(50):
        form_login("alice", "wrong")
    clock.shift(cool_off() - timedelta(seconds=1))
    assert form_login("alice", PASSWORD).status_code == 429

    clock.shift(timedelta(seconds=2))

    assert form_login("alice", PASSWORD).status_code == 302


def test_fifty_wrong_then_right_is_refused_on_the_token_endpoint(alice, clock, no_throttle):
    for _ in range(50):
        token_login("alice", "wrong")

    answer = token_login("alice", PASSWORD)

    assert answer.status_code == 429
    assert "Too many failed logins" in answer.json()["detail"]
    assert answer.json()["retry_after"] == int(cool_off().total_seconds())
    assert answer["Retry-After"] == str(int(cool_off().total_seconds()))
    assert "token" not in answer.json()

    clock.shift(cool_off() + timedelta(seconds=1))
    assert token_login("alice", PASSWORD).status_code == 200


def test_the_admin_login_is_locked_too(bob, clock):
    bob.is_staff = True
    bob.save()
    for _ in range(50):
        form_login("bob", "wrong", url=ADMIN_LOGIN)

    assert form_login("bob", PASSWORD, url=ADMIN_LOGIN).status_code == 429
    # one count for the whole site: the other doors are shut as well
    assert form_login("bob", PASSWORD).status_code == 429


def test_a_stranger_cannot_lock_the_real_user_out(alice, clock, no_throttle):
    for _ in range(50):
        token_login("alice", "wrong", address="10.0.1.66")

    assert form_login("alice", PASSWORD, address="10.0.1.66").status_code == 429
    assert form_login("alice", PASSWORD, address="10.0.2.1").status_code == 302
    assert token_login("alice", PASSWORD, address="10.0.2.1").status_code == 200


def test_guessing_one_account_from_many_addresses_locks_none_of_them_for_others(alice, clock):
    for n in range(settings.AXES_FAILURE_LIMIT):
        form_login("alice", "wrong", address=f"10.0.1.{n}")

    assert form_login("alice", PASSWORD, address="10.0.1.0").status_code == 302
    assert form_login("alice", PASSWORD, address="10.0.2.2").status_code == 302


def test_an_address_is_locked_whatever_the_account(alice, bob, clock):
    for n in range(settings.AXES_FAILURE_LIMIT):
        form_login(f"guess{n}", "wrong", address="10.0.3.1")

    assert form_login("bob", PASSWORD, address="10.0.3.1").status_code == 429
    assert form_login("bob", PASSWORD, address="10.0.3.2").status_code == 302


def test_an_admin_unlocks_with_axes_reset(alice, clock):
    for _ in range(50):
        form_login("alice", "wrong")
    assert form_login("alice", PASSWORD).status_code == 429

    call_command("axes_reset_username", "alice", stdout=None)
    call_command("axes_reset_ip", "10.0.0.1", stdout=None)

    assert form_login("alice", PASSWORD).status_code == 302


def test_token_requests_are_throttled_per_address(alice, clock):
    for _ in range(20):
        token_login("nobody", "wrong", address="10.0.4.1")

    answer = token_login("alice", PASSWORD, address="10.0.4.1")

    assert answer.status_code == 429
    assert "Too many token requests" in answer.json()["detail"]
    assert int(answer["Retry-After"]) > 0
    assert token_login("alice", PASSWORD, address="10.0.4.2").status_code == 200
