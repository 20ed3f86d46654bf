import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from stock.models import PurchaseNeed, StockLine
from stock.selectors import stock_mismatches

pytestmark = pytest.mark.django_db


def test_demo_stock_leaves_two_products_short_with_purchase_cards(o2c, purchasing):
    call_command("seed_demo")
    call_command("seed_demo_stock")
    needs = PurchaseNeed.objects.filter(is_open=True).select_related("product")
    assert sorted(n.product.sku for n in needs) == ["DRL-200", "LDR-3"]
    assert all(n.card.links_in.filter(kind="purchase").exists() for n in needs)
    filled = StockLine.objects.get(product__sku="LMP-LED")
    assert filled.reserved == 10 and filled.filled_at is not None
    assert stock_mismatches() == []
    users = get_user_model().objects.filter(username__in=["warehouse", "purchasing"])
    assert users.count() == 2
    call_command("seed_demo_stock")  # safe to repeat
    assert PurchaseNeed.objects.count() == 3  # the two open and the received lamps
