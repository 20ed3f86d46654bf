"""processes/selectors/acting.py: the card of an API action read with its line items and the
actor's grants, unpacked where the services look for them."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection

from processes.models import LineItem
from processes.selectors.acting import card_acting_ready, card_for_action, cards_for_action
from processes.services import card_item_add
from roles.models import ProcessRole, RoleKind
from roles.permissions import RoleMap, role_map


@pytest.fixture
def card(make_card, alice, acme):
    card = make_card(client=acme)
    for product, quantity, price, cost in [
        ("Drill", "2", "100.00", "60.00"),
        ("Bits", "0.125", "99.90", "0.01"),
        ("Case", "12345.678", "0", "1234567.89"),
    ]:
        card_item_add(
            actor=alice,
            card=card,
            product=product,
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            unit_cost=Decimal(cost),
        )
    return card


def _item_values(items):
    return [
        (i.pk, i.card_id, i.product, str(i.quantity), str(i.unit_price), str(i.unit_cost))
        for i in items
    ]


def _fresh(user):
    """The user as a new request loads it: no role map cached yet."""
    return get_user_model().objects.get(pk=user.pk)


def test_the_items_read_with_the_card_are_the_orms_exactly(card, alice, django_assert_num_queries):
    alice = _fresh(alice)
    with django_assert_num_queries(1):
        read = cards_for_action(alice).get(pk=card.pk)
        card_acting_ready(card=read, user=alice)
        items = list(read.items.all())
        assert all(item.card is read for item in items)
    # Decimals at the column's scale, in id order, as the ORM reads them.
    assert _item_values(items) == _item_values(LineItem.objects.filter(card=card).order_by("id"))
    assert str(items[1].quantity) == "0.125" and str(items[1].unit_price) == "99.90"


def test_a_card_without_items_has_none(make_card, alice, django_assert_num_queries):
    alice = _fresh(alice)
    read = cards_for_action(alice).get(pk=make_card().pk)
    with django_assert_num_queries(0):
        card_acting_ready(card=read, user=alice)
        assert list(read.items.all()) == []


def test_the_grants_read_with_the_card_are_the_role_map(
    card, o2c, alice, django_assert_num_queries
):
    # A direct grant, a group's, and an approver's authority.
    group = Group.objects.create(name="Discounts")
    alice.groups.add(group)
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.APPROVER, group=group, authority="discount"
    )
    alice = _fresh(alice)
    read = cards_for_action(alice).get(pk=card.pk)
    with django_assert_num_queries(0):
        card_acting_ready(card=read, user=alice)
        seeded = role_map(alice)
    fresh = RoleMap(alice)
    assert seeded.as_list() == fresh.as_list()
    assert seeded.decision_scopes() == fresh.decision_scopes()
    assert seeded.granted_through(RoleKind.APPROVER) == {o2c.pk: {group.pk}}
    assert seeded.granted_through(RoleKind.EXECUTOR) == fresh.granted_through(RoleKind.EXECUTOR)


def test_a_request_that_read_the_grants_keeps_its_role_map(card, alice):
    alice = _fresh(alice)
    earlier = role_map(alice)
    card_acting_ready(card=cards_for_action(alice).get(pk=card.pk), user=alice)
    assert role_map(alice) is earlier


def test_the_cards_of_a_process_without_a_role_are_not_read(card, charlie):
    assert not cards_for_action(charlie).filter(pk=card.pk).exists()


def test_an_anonymous_user_reads_no_card(card):
    assert not cards_for_action(AnonymousUser()).exists()


def test_the_read_built_once_gives_the_orms_card(card, alice, bob, django_assert_num_queries):
    for user in (alice, bob):  # the second read reuses the SQL built for the first
        user = _fresh(user)
        with django_assert_num_queries(1):
            read = card_for_action(user=user, pk=str(card.pk))
        orm = cards_for_action(user).get(pk=card.pk)
        fields = [f.attname for f in type(card)._meta.concrete_fields]
        assert [getattr(read, f) for f in fields] == [getattr(orm, f) for f in fields]
        with django_assert_num_queries(0):
            assert (read.process.slug, read.client.name) == (orm.process.slug, orm.client.name)
            assert read.responsible == orm.responsible and read.block_reason is None
            assert len(read.items.all()) == 3
            seeded = role_map(user)
        assert seeded.as_list() == RoleMap(user).as_list()


@pytest.mark.parametrize("pk", ["abc", "", "1.5", str(2**63), "-1", "0", str(2**70)])
def test_an_id_that_names_no_card_reads_none(card, alice, pk):
    assert card_for_action(user=_fresh(alice), pk=pk) is None


def test_an_outsider_or_nobody_reads_no_card(card, charlie):
    assert card_for_action(user=_fresh(charlie), pk=card.pk) is None
    assert card_for_action(user=AnonymousUser(), pk=card.pk) is None
    assert card_for_action(user=None, pk=card.pk) is None


def test_the_read_is_prepared_once_per_connection(card, alice, django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs the SQL itself (sqlite3 keeps its statements)")
    connection._opmodel_card_read = None  # a new connection, as far as the read knows
    alice = _fresh(alice)
    with django_assert_num_queries(1) as first:
        assert card_for_action(user=alice, pk=card.pk).pk == card.pk
    assert first.captured_queries[0]["sql"].startswith("PREPARE opmodel_card_read_")
    with django_assert_num_queries(1) as second:
        assert card_for_action(user=alice, pk=card.pk).pk == card.pk
    assert second.captured_queries[0]["sql"].startswith("EXECUTE opmodel_card_read_")


def test_a_read_whose_statement_is_gone_prepares_again(card, alice):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    alice = _fresh(alice)
    card_for_action(user=alice, pk=card.pk)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # e.g. a pooler that reset the session
    connection._opmodel_card_read = None
    assert card_for_action(user=alice, pk=card.pk).pk == card.pk


@pytest.mark.django_db(transaction=True)
def test_a_read_whose_statement_the_session_lost_prepares_again(o2c, alice, make_card):
    # Outside a transaction, as a request reads (no ATOMIC_REQUESTS): a pooler that reset the
    # session (DISCARD ALL) under a live connection costs one failed EXECUTE, not a 500.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    card = make_card()
    alice = _fresh(alice)
    assert card_for_action(user=alice, pk=card.pk).pk == card.pk
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert card_for_action(user=alice, pk=card.pk).pk == card.pk
    assert card_for_action(user=alice, pk=card.pk).pk == card.pk
