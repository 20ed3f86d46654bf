"""The deadline scan, called directly: levels, recipients, idempotence, fixed query counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.models import Alert, WorkerHeartbeat
from metrics.services.deadlines import LEVELS, _scan_batch, deadline_scan
from notifications.models import Notification
from processes.services import card_block, card_create, card_transition
from roles.models import ProcessRole, RoleKind

MONDAY_10_BERLIN = datetime(2026, 11, 23, 9, tzinfo=UTC)
AT_RISK = datetime(2026, 11, 23, 12, tzinfo=UTC)  # 3 of 4 business hours
DEADLINE = datetime(2026, 11, 23, 13, tzinfo=UTC)
DUE = DEADLINE + timedelta(seconds=1)  # breached means after the deadline


@pytest.fixture
def dave(o2c):
    user = get_user_model().objects.create_user("dave", "dave@example.com", "pw")
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.ESCALATION, user=user)
    return user


@pytest.fixture
def card(o2c, alice, bob, dave, olga, charlie, acme):
    return card_create(
        actor=alice, process=o2c, title="Cable order", client=acme, at=MONDAY_10_BERLIN
    )


def _recipients(level):
    return sorted(
        Notification.objects.filter(data__level=level).values_list("user__username", flat=True)
    )


def test_nothing_before_the_at_risk_instant(card):
    assert deadline_scan(now=datetime(2026, 11, 23, 11, 59, tzinfo=UTC)) == 0
    assert not Alert.objects.exists()


def test_at_risk_then_breached_once_each_to_the_right_people(
    card, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_scan(now=AT_RISK) == 1
        assert deadline_scan(now=AT_RISK) == 0
        # Nobody is responsible for the card: its accountable, and the escalation role.
        assert _recipients("at_risk") == ["bob", "dave"]
        assert deadline_scan(now=DEADLINE) == 0  # at the deadline's instant, still on time
        assert deadline_scan(now=DUE) == 1
        assert deadline_scan(now=DUE) == 0
    assert _recipients("breached") == ["alice", "bob", "dave"]
    alerts = list(Alert.objects.order_by("level").values_list("card_id", "visit", "level"))
    assert alerts == [(card.pk, 1, "at_risk"), (card.pk, 1, "breached")]
    assert sorted(address for m in mailoutbox for address in m.to) == [
        "alice@example.com",
        "bob@example.com",
        "bob@example.com",
        "dave@example.com",
        "dave@example.com",
    ]
    assert WorkerHeartbeat.objects.filter(name="deadline_scan").exists()


def test_a_late_scan_raises_both_levels(card):
    assert deadline_scan(now=DUE) == 2
    assert set(Alert.objects.values_list("level", flat=True)) == {"at_risk", "breached"}


def test_a_new_status_visit_can_alert_again(card, alice):
    deadline_scan(now=AT_RISK)
    card_transition(actor=alice, card=card, name="qualify", at=AT_RISK)
    # qualified: 8 business hours from 13:00 Berlin -> at risk after 6: Tuesday 10:00 Berlin.
    assert deadline_scan(now=datetime(2026, 11, 24, 9, tzinfo=UTC)) == 1
    assert list(Alert.objects.order_by("id").values_list("visit", "level")) == [
        (1, "at_risk"),
        (2, "at_risk"),
    ]


def test_blocked_and_finished_cards_are_not_alerted(card, o2c, alice, acme):
    card_block(actor=alice, card=card, reason="waiting_stock", at=MONDAY_10_BERLIN)
    lost = card_create(actor=alice, process=o2c, title="Gone", client=acme, at=MONDAY_10_BERLIN)
    card_transition(actor=alice, card=lost, name="mark_lost", lost_reason="x", at=MONDAY_10_BERLIN)
    assert deadline_scan(now=datetime(2026, 12, 1, tzinfo=UTC)) == 0


def test_alerted_cards_leave_the_scan(card, alice):
    assert deadline_scan(now=DUE) == 2
    card.refresh_from_db()
    assert (card.sla_risk_alerted_visit, card.sla_breach_alerted_visit) == (1, 1)
    # The steady scan reads no card at all: its one select per pass finds nothing to do.
    with CaptureQueriesContext(connection) as ctx:
        assert deadline_scan(now=DUE) == 0
    card_reads = [q for q in ctx.captured_queries if "processes_requestcard" in q["sql"]]
    assert len(card_reads) == len(LEVELS)
    assert not [q for q in ctx.captured_queries if "metrics_alert" in q["sql"]]
    # A new status visit is work again.
    card_transition(actor=alice, card=card, name="qualify", at=DUE)
    assert deadline_scan(now=datetime(2026, 11, 26, tzinfo=UTC)) == 2
    card.refresh_from_db()
    assert (card.sla_risk_alerted_visit, card.sla_breach_alerted_visit) == (2, 2)


def test_a_card_moved_between_read_and_mark_keeps_its_new_visit_to_alert(card, alice):
    # The scan read the card in its first visit; before the batch commits, someone qualifies it.
    row = {"id": card.pk, "status": "received", "sla_visit": 1, "due_at": card.due_at}
    card_transition(actor=alice, card=card, name="qualify", at=AT_RISK)
    _scan_batch(LEVELS[0], [row], AT_RISK)
    card.refresh_from_db()
    assert card.sla_risk_alerted_visit == 0  # visit 2 is not marked as alerted
    # qualified at 13:00 Berlin, 8 business hours, at risk after 6: Tuesday 10:00 Berlin.
    assert deadline_scan(now=datetime(2026, 11, 24, 10, tzinfo=UTC)) == 1
    assert list(Alert.objects.order_by("id").values_list("visit", "level")) == [
        (1, "at_risk"),
        (2, "at_risk"),
    ]


def test_cards_alerted_before_the_claim_columns_are_marked_without_new_notifications(card):
    deadline_scan(now=AT_RISK)
    type(card).objects.filter(pk=card.pk).update(sla_risk_alerted_visit=0)
    notifications = Notification.objects.count()
    assert deadline_scan(now=AT_RISK) == 0
    assert Notification.objects.count() == notifications
    card.refresh_from_db()
    assert card.sla_risk_alerted_visit == 1


def _scan_queries(now):
    with CaptureQueriesContext(connection) as ctx:
        deadline_scan(now=now, batch_size=1000)
    return len(ctx.captured_queries)


def test_scan_queries_do_not_grow_with_the_number_of_cards(o2c, alice, bob, acme):
    def cards(n):
        for _ in range(n):
            card_create(actor=alice, process=o2c, title="x", client=acme, at=MONDAY_10_BERLIN)

    deadline_scan(now=MONDAY_10_BERLIN)  # the heartbeat row exists from here on
    cards(3)
    few = _scan_queries(AT_RISK)
    cards(30)
    many = _scan_queries(AT_RISK)
    assert Alert.objects.count() == 33
    assert few == many


def test_people_keep_moving_cards_while_the_broker_is_down(card, alice, client, settings):
    from opmodel.celery import app as celery_app

    saved = celery_app.conf.broker_url
    # Nothing listens on port 1: any attempt to reach the broker would fail.
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = None
    try:
        client.force_login(alice)
        answer = client.post(
            f"/cards/{card.pk}/transitions/qualify/", {"version": card.version, "comment": ""}
        )
    finally:
        celery_app.conf.broker_url = saved
        celery_app._pool = None
    assert answer.status_code == 302
    card.refresh_from_db()
    assert card.status == "qualified"
    # When the worker is back, the scan raises what became due meanwhile.
    assert deadline_scan(now=datetime(2026, 11, 30, tzinfo=UTC)) >= 1


def test_each_pass_reads_its_partial_index_and_claims_its_column():
    """The scan's four passes (two per clock) filter by the model's own index conditions, so
    PostgreSQL reads the index, and each claims by its clock's column."""
    from django.db.models import F, Q

    from processes.models import RequestCard

    conditions = {i.name: i.condition for i in RequestCard._meta.indexes if i.condition}
    assert [(s.level, s.instant, s.due, s.status_clock) for s in LEVELS] == [
        ("at_risk", "at_risk_at", "due_at", True),
        ("breached", "due_at", "due_at", True),
        ("at_risk", "target_at_risk_at", "target_due_at", False),
        ("breached", "target_due_at", "target_due_at", False),
    ]
    assert [s.todo for s in LEVELS] == [
        conditions["card_risk_due"], conditions["card_breach_due"],
        conditions["card_target_risk_due"], conditions["card_target_breach_due"],
    ]  # fmt: skip
    assert LEVELS[0].todo == Q(at_risk_at__isnull=False, sla_risk_alerted_visit__lt=F("sla_visit"))
    assert [s.claim for s in LEVELS] == [
        {"sla_risk_alerted_visit": F("sla_visit")},
        {"sla_breach_alerted_visit": F("sla_visit")},
        {"target_risk_alerted": True},
        {"target_breach_alerted": True},
    ]
