"""Undecided approvals past their decision SLA escalate once (issue 4, "Approval SLA")."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from notifications.models import Notification
from opmodel.celery import app as celery_app
from processes.models import ApprovalRequest, EventKind
from processes.services import card_update
from processes.services.approvals import approval_decide, approvals_escalate

# Friday 16:00 in Berlin (the standard calendar: Mon-Fri 9-18, Europe/Berlin).
FRIDAY_16_BERLIN = datetime(2026, 11, 20, 15, tzinfo=UTC)
# The manager-level discount rule allows 4 business hours: Friday 16-18, then Monday 9-11.
MONDAY_11_BERLIN = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def pending(priced, alice, mike, eddie):
    with time_machine.travel(FRIDAY_16_BERLIN, tick=False):
        card_update(actor=alice, card=priced, changes={"discount_percent": Decimal("15")})
    return ApprovalRequest.objects.get(card=priced)


def test_the_decision_sla_counts_business_hours(pending):
    assert pending.due_at == MONDAY_11_BERLIN


def test_an_overdue_request_escalates_once(pending, priced):
    with time_machine.travel(MONDAY_11_BERLIN.replace(minute=0, hour=9), tick=False):
        assert approvals_escalate() == 0  # Monday 10:00 Berlin: an hour left
        assert not pending.is_overdue_at(MONDAY_11_BERLIN.replace(minute=0, hour=9))

    with time_machine.travel(MONDAY_11_BERLIN, tick=False):
        assert approvals_escalate() == 1
        assert approvals_escalate() == 0  # a second scan (or a second beat) adds nothing
        pending.refresh_from_db()
        assert pending.is_overdue_at(MONDAY_11_BERLIN)
        assert pending.escalated_at == MONDAY_11_BERLIN

    escalations = Notification.objects.filter(text__startswith="Overdue approval")
    assert list(escalations.values_list("user__username", flat=True)) == ["eddie"]
    assert priced.events.filter(kind=EventKind.APPROVAL_ESCALATED).count() == 1


def test_escalation_emails_the_escalation_role_after_the_commit(
    pending, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approvals_escalate(now=MONDAY_11_BERLIN)
    assert [m.to for m in mailoutbox] == [["eddie@example.com"]]
    assert "Overdue approval" in mailoutbox[0].subject


def test_a_decided_request_does_not_escalate(pending, mike):
    approval_decide(actor=mike, approval=pending, approve=True)
    assert approvals_escalate(now=MONDAY_11_BERLIN) == 0


def test_the_inbox_shows_an_overdue_request(client, pending, mike):
    with time_machine.travel(MONDAY_11_BERLIN, tick=False):
        # Log in at the same instant: a session opened at another time may have expired by then.
        client.force_login(mike)
        page = client.get("/approvals/").content.decode()
    assert "data-overdue" in page


def test_the_escalation_scan_runs_every_minute_in_beat():
    entry = celery_app.conf.beat_schedule["approval-escalation-scan"]
    assert entry["task"] == "metrics.tasks.approval_escalation_scan"
    assert entry["schedule"] == 60.0
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert entry["task"] in celery_app.tasks
