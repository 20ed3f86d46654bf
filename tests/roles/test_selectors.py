"""roles.selectors: "who holds role K (with authority A) in process P", and a user's grants."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from processes.models import Process
from roles.models import ProcessRole, RoleKind
from roles.selectors import grants_of, people_holding_role_in, role_holders

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(db) -> Process:
    return Process.objects.create(slug="service", name="Service requests")


@pytest.fixture
def people(o2c, service, alice, bob, olga, charlie):
    """Order to cash: alice executor, bob accountable, olga approver (any authority), mike
    approver (manager); the group "finance" (fiona, gus) approves finance. Service: charlie
    executor through the group "service-desk", bob escalation."""
    make = get_user_model().objects.create_user
    mike, fiona, gus = make("mike"), make("fiona"), make("gus")
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.APPROVER, user=mike, authority="manager"
    )
    finance = Group.objects.create(name="finance")
    finance.user_set.add(fiona, gus)
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.APPROVER, group=finance, authority="finance"
    )
    desk = Group.objects.create(name="service-desk")
    desk.user_set.add(charlie)
    ProcessRole.objects.create(process_id=service.pk, kind=RoleKind.EXECUTOR, group=desk)
    ProcessRole.objects.create(process_id=service.pk, kind=RoleKind.ESCALATION, user=bob)
    users = {u.username: u for u in (alice, bob, olga, charlie, mike, fiona, gus)}
    return {name: user.pk for name, user in users.items()}


def test_holders_of_several_kinds_and_processes_in_one_query(
    o2c, service, people, django_assert_num_queries
):
    with django_assert_num_queries(1):
        holders = role_holders(
            process_ids={o2c.pk, service.pk},
            kinds={RoleKind.EXECUTOR, RoleKind.ESCALATION, RoleKind.APPROVER},
        )
    assert holders.users(o2c.pk, RoleKind.EXECUTOR) == {people["alice"]}
    assert holders.users(service.pk, RoleKind.EXECUTOR) == {people["charlie"]}  # via the group
    assert holders.users(service.pk, RoleKind.ESCALATION) == {people["bob"]}
    assert holders.users(o2c.pk, RoleKind.ESCALATION) == set()
    assert holders.users(o2c.pk, RoleKind.ACCOUNTABLE) == set()  # not asked for
    names = {pk: name for name, pk in people.items()}
    approvers = holders.users(o2c.pk, RoleKind.APPROVER)
    assert {names[pk] for pk in approvers} == {"olga", "mike", "fiona", "gus"}


def test_holders_by_authority(o2c, people):
    holders = role_holders(process_ids=[o2c.pk], kinds=[RoleKind.APPROVER])
    names = {pk: name for name, pk in people.items()}

    def who(authority):
        return {names[pk] for pk in holders.users(o2c.pk, RoleKind.APPROVER, authority)}

    # A blank grant (olga) decides every authority; a blank authority is decided by anyone.
    assert who("manager") == {"olga", "mike"}
    assert who("finance") == {"olga", "fiona", "gus"}
    assert who("owner") == {"olga"}
    assert who("") == {"olga", "mike", "fiona", "gus"}


def test_the_authority_filter_in_the_query_agrees(o2c, people):
    names = {pk: name for name, pk in people.items()}
    holders = role_holders(process_ids=[o2c.pk], kinds=[RoleKind.APPROVER], authority="finance")
    assert {names[pk] for pk in holders.users(o2c.pk, RoleKind.APPROVER)} == {
        "olga",
        "fiona",
        "gus",
    }


def test_an_empty_group_and_no_process_hold_nothing(o2c, people):
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.INFORMED, group=Group.objects.create(name="empty")
    )
    assert (
        role_holders(process_ids=[o2c.pk], kinds=[RoleKind.INFORMED]).users(
            o2c.pk, RoleKind.INFORMED
        )
        == set()
    )
    assert role_holders(process_ids=[], kinds=[RoleKind.EXECUTOR]).grants == {}


def test_grants_of_counts_own_and_group_grants(o2c, service, people, charlie, bob):
    assert {(g.process_id, g.kind) for g in grants_of(charlie)} == {(service.pk, "executor")}
    assert {(g.process_id, g.kind) for g in grants_of(bob)} == {
        (o2c.pk, "accountable"),
        (service.pk, "escalation"),
    }


def test_people_holding_a_role_in_a_process_count_groups_once_and_skip_the_inactive(
    o2c, service, people, django_assert_num_queries
):
    get_user_model().objects.filter(username="gus").update(is_active=False)
    with django_assert_num_queries(2):  # one per process
        in_o2c = [u.username for u in people_holding_role_in(o2c)]
        in_service = [u.username for u in people_holding_role_in(service)]
    assert sorted(in_o2c) == ["alice", "bob", "fiona", "mike", "olga"]
    assert len(in_o2c) == len(set(in_o2c))
    assert sorted(in_service) == ["bob", "charlie"]
