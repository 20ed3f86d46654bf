from datetime import date

from processes.services import card_transition, card_update


def test_path(priced_card, alice, django_assert_max_num_queries):
    card = priced_card
    card_transition(actor=alice, card=card, name="qualify")
    card_transition(actor=alice, card=card, name="price")
    card_update(actor=alice, card=card, changes={"shipment_date": date(2026, 12, 1)})
    card_transition(actor=alice, card=card, name="agree")
    assert card.status == "agreed"
    assert card.margin_percent is not None
    assert [e.kind for e in card.events.all()][:2] == ["created", "item_added"]
