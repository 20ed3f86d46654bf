"""roles.permissions: the one place that decides who may see and do what.

Personas from tests/conftest.py: alice executor, bob accountable, olga approver (blank
authority) of order to cash; charlie holds no role. Added here: a second process, a group.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from processes.models import Process
from roles.models import ProcessRole, RoleKind
from roles.permissions import RoleMap, restrict_to_visible, role_map, visible_process_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(db) -> Process:
    return Process.objects.create(slug="service", name="Service requests")


@pytest.fixture
def desk(service, charlie) -> Group:
    """charlie is executor of the service process through the group "service-desk" only."""
    group = Group.objects.create(name="service-desk")
    group.user_set.add(charlie)
    ProcessRole.objects.create(process_id=service.pk, kind=RoleKind.EXECUTOR, group=group)
    return group


def test_kinds_come_from_own_grants(o2c, alice, bob):
    assert RoleMap(alice).kinds(o2c.pk) == {"executor"}
    assert RoleMap(bob).kinds(o2c.pk) == {"accountable"}
    assert RoleMap(alice).as_list() == [(o2c.pk, "executor")]


def test_kinds_come_from_group_grants_too(o2c, service, desk, charlie):
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.INFORMED, user=charlie)
    roles = RoleMap(charlie)
    assert roles.kinds(service.pk) == {"executor"}
    assert roles.process_ids() == {o2c.pk, service.pk}


def test_the_outsider_holds_nothing(o2c, charlie):
    roles = RoleMap(charlie)
    assert roles.process_ids() == set()
    assert not roles.may_see_process(o2c.pk)
    assert not roles.may_act(o2c.pk, RoleKind.values)


def test_may_act_needs_one_of_the_kinds(o2c, alice):
    roles = RoleMap(alice)
    assert roles.may_act(o2c.pk, {"executor", "accountable"})
    assert not roles.may_act(o2c.pk, {"approver"})
    assert not roles.may_act(o2c.pk + 1000, {"executor"})


def test_may_decide_by_authority(o2c, alice, olga):
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.APPROVER, user=alice, authority="manager"
    )
    alices, olgas = RoleMap(alice), RoleMap(olga)
    assert alices.may_decide(o2c.pk, "approver", "manager")
    assert not alices.may_decide(o2c.pk, "approver", "owner")
    assert alices.may_decide(o2c.pk, "approver", "")  # a rule without authority: any approver
    # A blank grant decides every authority.
    assert olgas.may_decide(o2c.pk, "approver", "owner")
    assert olgas.may_decide(o2c.pk, "approver", "manager")
    assert not olgas.may_decide(o2c.pk, "escalation", "")
    assert alices.decision_scopes() == [(o2c.pk, "approver", "manager"), (o2c.pk, "executor", "")]


def test_may_decide_through_a_group(service, desk, charlie):
    ProcessRole.objects.create(
        process_id=service.pk, kind=RoleKind.APPROVER, group=desk, authority="finance"
    )
    assert RoleMap(charlie).may_decide(service.pk, "approver", "finance")
    assert not RoleMap(charlie).may_decide(service.pk, "approver", "owner")


def test_inactive_and_anonymous_users_hold_nothing(o2c, alice):
    alice.is_active = False
    assert RoleMap(alice).process_ids() == set()
    assert RoleMap(AnonymousUser()).process_ids() == set()
    assert RoleMap(None).process_ids() == set()


def test_role_map_is_cached_for_the_request(alice, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = role_map(alice)
        assert role_map(alice) is first
        assert visible_process_ids(alice) == first.process_ids()


def test_restrict_to_visible(o2c, service, desk, alice, charlie):
    processes = Process.objects.all()
    assert list(restrict_to_visible(processes, alice, "pk")) == [o2c]
    assert list(restrict_to_visible(processes, charlie, "pk")) == [service]
    assert list(restrict_to_visible(processes, AnonymousUser(), "pk")) == []
    grants = restrict_to_visible(ProcessRole.objects.all(), charlie)
    assert {g.process_id for g in grants} == {service.pk}
