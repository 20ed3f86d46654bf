"""Customer service as its data migration installs it (service/migrations/0002)."""

import pytest

from processes.conditions import CONDITIONS
from processes.models import BlockReason, SLAPolicy, Status, Transition
from roles.models import ProcessRole, RoleKind

pytestmark = pytest.mark.django_db


def test_the_statuses_in_order_with_their_next_actions(service):
    rows = list(Status.objects.filter(process=service).values_list("slug", "final", "outcome"))
    assert rows == [
        ("received", False, ""),
        ("triaged", False, ""),
        ("investigating", False, ""),
        ("proposed", False, ""),
        ("awaiting_return", False, ""),
        ("resolved", True, "won"),
        ("rejected", True, "lost"),
    ]
    open_ = Status.objects.filter(process=service, final=False)
    assert all(status.next_action for status in open_)
    # The client's turn: the clock pauses while the proposal or the return waits on them.
    assert set(open_.filter(waiting_on_customer=True).values_list("slug", flat=True)) == {
        "proposed",
        "awaiting_return",
    }
    assert service.calendar.name == "Standard office hours"


def test_the_whole_transition_graph(service):
    pairs = {
        (source.slug, t.target.slug, t.name)
        for t in Transition.objects.filter(process=service).prefetch_related("sources")
        for source in t.sources.all()
    }
    assert pairs == {
        ("received", "triaged", "triage"),
        ("triaged", "investigating", "investigate"),
        ("investigating", "proposed", "propose"),
        ("proposed", "investigating", "reopen"),
        ("awaiting_return", "investigating", "reopen"),
        ("proposed", "awaiting_return", "await_return"),
        ("proposed", "resolved", "resolve"),
        ("awaiting_return", "resolved", "resolve"),
        ("received", "rejected", "reject"),
        ("triaged", "rejected", "reject"),
        ("investigating", "rejected", "reject"),
    }
    conditions = dict(Transition.objects.filter(process=service).values_list("name", "conditions"))
    assert conditions["await_return"] == ["complaint_has_return"]
    assert conditions["reject"] == ["has_lost_reason"]
    # Every condition is one the app knows by name (the definition document's validator too).
    assert all(c in CONDITIONS for names in conditions.values() for c in names)


def test_slas_per_priority_and_block_reasons(service):
    minutes = {
        (p.status.slug, p.priority): p.allowance_minutes
        for p in SLAPolicy.objects.filter(process=service).select_related("status")
    }
    assert minutes[("received", "")] == 240
    assert minutes[("received", "urgent")] == 60
    assert minutes[("investigating", "high")] == 480
    assert set(BlockReason.objects.filter(process=service).values_list("slug", flat=True)) == {
        "waiting_client",
        "waiting_carrier",
        "waiting_supplier",
        "waiting_finance",
    }


def test_the_service_group_executes(service):
    assert ProcessRole.objects.filter(
        process_id=service.pk, kind=RoleKind.EXECUTOR, group__name="Service"
    ).exists()
