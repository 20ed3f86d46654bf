"""processes.permissions: the one public check of who may change a process's cards, used by the
services, the pages and the apps above (stock reserves through it)."""

import pytest

from opmodel.errors import Forbidden
from processes.permissions import may_edit_cards, require_card_editor
from tests.processes.test_api import api_as


def test_executor_and_accountable_may_edit_cards_approver_and_outsider_may_not(
    o2c, alice, bob, olga, charlie
):
    assert [may_edit_cards(u, o2c.pk) for u in (alice, bob, olga, charlie)] == [
        True, True, False, False,
    ]  # fmt: skip
    require_card_editor(alice, o2c.pk, "reserve stock")  # no refusal
    with pytest.raises(Forbidden) as refused:
        require_card_editor(olga, o2c.pk, "reserve stock")
    assert refused.value.message == (
        "Only the executor or accountable of this process may reserve stock."
    )


def test_stock_reservation_asks_the_same_check(make_card, olga):
    card = make_card()
    answer = api_as(olga).post(f"/api/cards/{card.pk}/reserve/")
    assert answer.status_code == 403
    assert answer.json()["detail"] == (
        "Only the executor or accountable of this process may reserve stock."
    )


def test_no_module_imports_the_private_check():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    users = [
        str(path.relative_to(root))
        for app in ("processes", "stock", "metrics", "goals", "reviews", "flow")
        for path in (root / app).rglob("*.py")
        if "_require_editor" in path.read_text()
    ]
    assert users == []
