"""The acceptance test of issue 10: a person's decision returns while the mail server hangs;
the e-mail is sent later by a real worker, which retries until the server answers."""

import time
from decimal import Decimal

import pytest

from notifications.models import Notification, NotificationPreference
from processes.models import ApprovalRequest
from processes.services import card_update
from tests.metrics.conftest import WAIT_SECONDS, _wait_for
from tests.notifications.smtp_server import HangingMailServer
from tests.processes.test_api import api_as

pytestmark = pytest.mark.worker

# Long in the web process: a request that talked to the server would hang this long.
REQUEST_EMAIL_TIMEOUT = 30


def _mail_settings(server, timeout) -> dict:
    return {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": str(timeout),
    }


def _retries(log) -> int:
    return sum(
        1
        for line in log.read_text(errors="replace").splitlines()
        if "notifications.tasks.email_send[" in line and " retry: " in line
    )


def test_a_decision_returns_while_the_mail_server_hangs_and_the_worker_mails_later(
    start_worker, make_card, alice, olga, acme, settings
):
    # olga (approver) decides the request alice's change raised; alice hears of the decision.
    NotificationPreference.objects.create(user=olga, email_enabled=False)
    card = make_card(client=acme)
    card_update(actor=alice, card=card, changes={"discount_percent": Decimal("15")})
    request = ApprovalRequest.objects.get(card=card)

    with HangingMailServer() as server:
        # The web process points at the hanging server too: had the request sent the e-mail
        # itself, it would wait out REQUEST_EMAIL_TIMEOUT.
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, REQUEST_EMAIL_TIMEOUT
        worker_env = _mail_settings(server, timeout=1) | {"OPMODEL_EMAIL_RETRY_SECONDS": "1"}
        _, log = start_worker(worker_env)

        started = time.monotonic()
        answer = api_as(olga).post(f"/api/approvals/{request.pk}/approve/", {"comment": "ok"})
        took = time.monotonic() - started

        assert answer.status_code == 200, answer.content
        # Back while the server still hangs, and without waiting for it.
        assert not server.answering.is_set() and server.messages == []
        assert took < REQUEST_EMAIL_TIMEOUT / 3
        decided = Notification.objects.get(user=alice, kind="approval", key__endswith=":decided")
        assert decided.emailed_at is None

        # The worker tries, the server hangs, the worker retries: nothing is sent meanwhile.
        _wait_for(
            lambda: server.hung >= 2 and _retries(log) >= 2,
            timeout=WAIT_SECONDS,
            what="two tries against the hanging server",
            log=log,
        )
        decided.refresh_from_db()
        assert decided.emailed_at is None and server.messages == []

        server.answer()
        _wait_for(
            lambda: Notification.objects.get(pk=decided.pk).emailed_at is not None,
            timeout=WAIT_SECONDS,
            what="the e-mail once the server answers",
            log=log,
        )
    (message,) = server.messages
    assert "To: alice@example.com" in message
    assert "Subject: [Opmodel] Approved: #" in message
    assert f"/cards/{card.pk}/" in message
