from datetime import timedelta

import pytest

from opmodel.errors import Forbidden, InvalidInput, Refused
from processes.models import EventKind
from processes.services import card_block, card_transition, card_unblock


def test_block_keeps_status_and_records_reason(priced_card, alice):
    card_block(actor=alice, card=priced_card, reason="waiting_stock", note="Pallets on Monday")
    priced_card.refresh_from_db()
    assert priced_card.is_blocked
    assert priced_card.status == "received"
    assert priced_card.block_reason.name == "Waiting for stock"
    event = priced_card.events.get(kind=EventKind.BLOCK)
    assert (event.reason, event.comment, event.actor) == (
        "waiting_stock",
        "Pallets on Monday",
        alice,
    )


def test_unblock_records_blocked_time(priced_card, alice):
    start = priced_card.created_at + timedelta(hours=1)
    card_block(actor=alice, card=priced_card, reason="waiting_customer", at=start)
    card_unblock(actor=alice, card=priced_card, at=start + timedelta(hours=3))
    priced_card.refresh_from_db()
    assert not priced_card.is_blocked and priced_card.block_reason is None
    event = priced_card.events.get(kind=EventKind.UNBLOCK)
    assert event.reason == "waiting_customer"
    assert event.data["blocked_seconds"] == 3 * 3600


def test_block_reason_must_come_from_the_process_list(priced_card, alice):
    with pytest.raises(InvalidInput) as invalid:
        card_block(actor=alice, card=priced_card, reason="bored")
    assert "reason" in invalid.value.errors
    priced_card.refresh_from_db()
    assert not priced_card.is_blocked
    assert not priced_card.events.filter(kind=EventKind.BLOCK).exists()


def test_cannot_block_twice_or_unblock_an_unblocked_card(priced_card, alice):
    with pytest.raises(Refused):
        card_unblock(actor=alice, card=priced_card)
    card_block(actor=alice, card=priced_card, reason="waiting_stock")
    with pytest.raises(Refused):
        card_block(actor=alice, card=priced_card, reason="waiting_customer")


def test_finished_card_cannot_be_blocked(priced_card, alice):
    card_transition(actor=alice, card=priced_card, name="mark_lost", lost_reason="Gone")
    with pytest.raises(Refused):
        card_block(actor=alice, card=priced_card, reason="waiting_stock")


@pytest.mark.parametrize("persona", ["olga", "charlie"])
def test_only_executor_or_accountable_may_block(request, priced_card, persona):
    with pytest.raises(Forbidden):
        card_block(actor=request.getfixturevalue(persona), card=priced_card, reason="waiting_stock")


def test_a_blocked_card_is_not_moved_on_and_says_why(priced_card, alice):
    from processes.errors import TransitionRefused
    from processes.services import card_transition_options

    card_block(actor=alice, card=priced_card, reason="waiting_documents")
    with pytest.raises(TransitionRefused, match="blocked") as exc:
        card_transition(actor=alice, card=priced_card, name="qualify")
    assert any("unblock it" in reason for reason in exc.value.unmet)
    priced_card.refresh_from_db()
    assert priced_card.status == "received" and priced_card.is_blocked
    options = {o.name: o for o in card_transition_options(user=alice, card=priced_card)}
    assert not options["qualify"].allowed
    assert options["mark_lost"].allowed


def test_losing_a_blocked_card_ends_its_block_with_an_unblock_event(priced_card, alice):
    card_block(actor=alice, card=priced_card, reason="waiting_documents")
    card_transition(actor=alice, card=priced_card, name="mark_lost", lost_reason="No reply")
    priced_card.refresh_from_db()
    assert priced_card.status == "lost" and not priced_card.is_blocked
    kinds = list(priced_card.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[-2:] == ["unblock", "transition"]
    with pytest.raises(Refused, match="finished"):
        card_block(actor=alice, card=priced_card, reason="waiting_stock")
    with pytest.raises(Refused):
        card_unblock(actor=alice, card=priced_card)


def test_block_on_a_stale_version_is_a_conflict(priced_card, alice):
    from processes.errors import CardConflict

    with pytest.raises(CardConflict):
        card_block(
            actor=alice,
            card=priced_card,
            reason="waiting_stock",
            expected_version=priced_card.version - 1,
        )
    priced_card.refresh_from_db()
    assert not priced_card.is_blocked
