"""The approval escalation scan through real Celery workers: two scans, one escalation."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from metrics.tasks import approval_escalation_scan_task
from notifications.models import Notification
from processes.models import ApprovalRequest
from processes.services import card_update
from roles.models import ProcessRole, RoleKind
from tests.metrics.conftest import WAIT_SECONDS, _wait_for

pytestmark = pytest.mark.worker

FRIDAY_16_BERLIN = datetime(2026, 11, 20, 15, tzinfo=UTC)
LATE = datetime(2026, 11, 24, 15, tzinfo=UTC)


def _succeeded(logs) -> int:
    return sum(
        1
        for log in logs
        for line in log.read_text(errors="replace").splitlines()
        if "metrics.tasks.approval_escalation_scan[" in line and " succeeded in " in line
    )


def test_two_workers_escalate_an_overdue_request_once(start_worker, make_card, alice, acme):
    dave = get_user_model().objects.create_user("dave", "dave@example.com", "pw")
    ProcessRole.objects.create(
        process_id=alice.process_roles.get().process_id, kind=RoleKind.ESCALATION, user=dave
    )
    card = make_card(client=acme, at=FRIDAY_16_BERLIN)
    card_update(
        actor=alice, card=card, changes={"discount_percent": Decimal("15")}, at=FRIDAY_16_BERLIN
    )
    logs = [start_worker(name="one")[1], start_worker(name="two")[1]]

    approval_escalation_scan_task.delay(now=LATE.isoformat())
    approval_escalation_scan_task.delay(now=LATE.isoformat())
    _wait_for(
        lambda: _succeeded(logs) >= 2,
        timeout=WAIT_SECONDS,
        what="two escalation scans to finish",
        log=logs[0],
    )
    request = ApprovalRequest.objects.get(card=card)
    assert request.escalated_at == LATE
    escalations = Notification.objects.filter(text__startswith="Overdue approval")
    assert list(escalations.values_list("user__username", flat=True)) == ["dave"]
