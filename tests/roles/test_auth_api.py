"""API tokens (issue 15, point 7): one per login, expiring, revoked on logout and on a password
change; clients keep sending `Authorization: Token <token>`."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
LOGOUT_URL = "/api/auth/logout/"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def log_in(username="alice", password=PASSWORD, fmt="json") -> str:
    answer = APIClient().post(TOKEN_URL, {"username": username, "password": password}, format=fmt)
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def as_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def me_status(token: str) -> int:
    return as_token(token).get("/api/me/").status_code


def test_each_login_makes_a_new_token_and_both_work(alice):
    first, second = log_in(), log_in(fmt="multipart")

    assert first != second
    assert me_status(first) == me_status(second) == 200
    assert AuthToken.objects.filter(user=alice).count() == 2


def test_the_answer_says_when_the_token_expires(alice):
    with time_machine.travel(START, tick=False):
        answer = APIClient().post(
            TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"
        )

    ttl = settings.REST_KNOX["TOKEN_TTL"]
    expiry = datetime.fromisoformat(answer.json()["expiry"].replace("Z", "+00:00"))
    assert expiry == START + ttl


def test_a_token_stops_working_when_it_expires(alice):
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    with time_machine.travel(START, tick=False) as clock:
        token = log_in()
        clock.shift(ttl - timedelta(seconds=1))
        assert me_status(token) == 200
        clock.shift(timedelta(seconds=2))
        assert me_status(token) == 401

    assert not AuthToken.objects.filter(user=alice).exists()


def test_logout_revokes_this_token_only(alice):
    kept, dropped = log_in(), log_in()

    answer = as_token(dropped).post(LOGOUT_URL)

    assert answer.status_code == 204
    assert me_status(dropped) == 401
    assert me_status(kept) == 200


def test_logout_needs_a_token(alice):
    assert APIClient().post(LOGOUT_URL).status_code == 401
    assert as_token("not-a-token").post(LOGOUT_URL).status_code == 401
    assert as_token(log_in()).get(LOGOUT_URL).status_code == 405


def test_a_password_change_revokes_every_token(alice):
    tokens = [log_in(), log_in()]

    alice.set_password("a-new-long-password")
    alice.save()

    assert [me_status(t) for t in tokens] == [401, 401]
    assert me_status(log_in(password="a-new-long-password")) == 200


def test_the_admin_password_form_revokes_every_token(alice):
    token = log_in()
    form = SetPasswordForm(
        alice, {"new_password1": "another-long-pass", "new_password2": "another-long-pass"}
    )
    assert form.is_valid(), form.errors

    form.save()

    assert me_status(token) == 401


def test_other_saves_of_the_user_keep_the_tokens(alice):
    token = log_in()

    alice.first_name = "Alice"
    alice.save()

    assert me_status(token) == 200


def test_a_deactivated_user_token_is_refused(alice):
    token = log_in()

    alice.is_active = False
    alice.save()

    assert me_status(token) == 401


def test_a_reactivated_user_old_tokens_stay_dead(alice):
    token = log_in()
    alice.is_active = False
    alice.save()

    alice.is_active = True
    alice.save()

    assert me_status(token) == 401
    assert me_status(log_in()) == 200


def test_a_deactivation_by_update_fields_revokes_too(alice):
    token = log_in()
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    alice.is_active = True
    alice.save(update_fields=["is_active"])

    assert me_status(token) == 401


def test_token_check_costs_one_query(alice, django_assert_num_queries):
    client = as_token(log_in())

    # the token with its user; then /api/me/'s own query of role grants
    with django_assert_num_queries(2):
        assert client.get("/api/me/").status_code == 200


def test_drf_authtoken_is_gone():
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
