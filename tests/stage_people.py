"""People and cards for the handoff tests (issue 24, point 4): order to cash hands
`awaiting_payment` to the group Warehouse and `fulfilled` to Finance
(processes/migrations/0028_order_to_cash_stage_roles.py).

oliver is an executor of order to cash in no stage group (the responsible before a handoff);
wanda and wes are in Warehouse, finn in Finance, each holding their role through the group only.
"""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from processes.services import card_create, card_item_add, card_transition, card_update
from roles.models import ProcessRole, RoleKind
from tests.conftest import PASSWORD


def person(username: str, *, group: str = "", process=None):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.com"
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    if process is not None:
        ProcessRole.objects.create(process_id=process.pk, kind=RoleKind.EXECUTOR, user=user)
    return user


def agreed_card(process, actor, client, *, at: datetime | None = None, title="Drills"):
    """A card in `agreed`, its responsible `actor`: `invoice` hands it to Warehouse."""
    card = card_create(
        actor=actor, process=process, title=title, client=client, responsible=actor, at=at
    )
    card_item_add(
        actor=actor,
        card=card,
        product="Drill",
        quantity=Decimal("10"),
        unit_price=Decimal("100.00"),
        unit_cost=Decimal("60.00"),
        at=at,
    )
    card_transition(actor=actor, card=card, name="qualify", at=at)
    card_transition(actor=actor, card=card, name="price", at=at)
    card_update(
        actor=actor,
        card=card,
        changes={"shipment_date": date(2030, 1, 15), "promised_on": date(2030, 1, 15)},
        at=at,
    )
    card_transition(actor=actor, card=card, name="agree", at=at)
    return card
