"""Demo stock (issue 23, point 9): a warehouse, a dozen products, stock that leaves two products
short, open purchase cards with their order cards waiting, and a receipt last week that filled
earlier shortages; demo logins `warehouse` (Warehouse group) and `purchasing` (purchasing's
executor and accountable). Safe to repeat: with the warehouse there, only passwords are set.
Run after seed_demo (it needs `ops` and order to cash)."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from notifications.services import emails_withheld
from processes.calendars import process_zone
from processes.models import Client, Process
from processes.services import card_create, card_transition, card_update
from roles.models import ProcessRole, RoleKind
from stock.models import Product, PurchaseNeed, Warehouse
from stock.services.lines import stock_item_add
from stock.services.movements import stock_move
from stock.services.purchasing import shortages_catch_up

PRODUCTS = [
    # sku, name, unit, whole, on hand
    ("DRL-100", "Cordless drill 18V", "pcs", True, 40),
    ("DRL-200", "Hammer drill 800W", "pcs", True, 3),  # short
    ("SAW-110", "Circular saw 190mm", "pcs", True, 25),
    ("GRD-125", "Angle grinder 125mm", "pcs", True, 30),
    ("BIT-SET", "Drill bit set 19 pcs", "pcs", True, 120),
    ("SCR-4x40", "Wood screws 4x40 (box)", "box", True, 300),
    ("CBL-3G15", "Power cable 3G1.5", "m", False, Decimal("500.5")),
    ("GLV-L", "Work gloves, size L", "pair", True, 200),
    ("LDR-3", "Aluminium ladder 3 steps", "pcs", True, 2),  # short
    ("TAP-50", "Measuring tape 5m", "pcs", True, 80),
    ("HLM-W", "Safety helmet, white", "pcs", True, 60),
    ("LMP-LED", "LED work lamp 30W", "pcs", True, 15),
]
# title, [(sku, quantity)]: reserved now; the first two leave DRL-200 and LDR-3 short
ORDERS = [
    ("Renovation crew: drills", [("DRL-200", 5), ("BIT-SET", 5)]),
    ("Warehouse fit-out: ladders", [("LDR-3", 6), ("GLV-L", 20)]),
    ("School maintenance", [("DRL-200", 2), ("HLM-W", 10)]),
]


# Days the suppliers promise for the open purchase cards.
SUPPLIER_DAYS = 9


class Command(BaseCommand):
    help = "Seed the demo stock, purchase cards and the warehouse and purchasing logins."

    def execute(self, *args, **options):
        # A seeded history is not news: its notifications reach the inbox, never the mail (nor
        # the embedded broker's queue, ahead of the first deadline scan).
        with emails_withheld():
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        password = settings.OPMODEL_DEMO_PASSWORD
        o2c = Process.objects.filter(slug="order-to-cash").first()
        purchasing = Process.objects.filter(slug="purchasing").first()
        ops = get_user_model().objects.filter(username="ops").first()
        if o2c is None or purchasing is None or ops is None:
            raise CommandError("Run `manage.py migrate` and `manage.py seed_demo` first.")
        warehouse_user, buyer = self._users(purchasing, password)
        if Warehouse.objects.filter(code="MAIN").exists():
            self.stdout.write("Demo stock already there; passwords set.")
            return
        with transaction.atomic():
            self._seed(o2c, ops, warehouse_user, buyer)
        self.stdout.write("Demo stock seeded: logins warehouse and purchasing.")

    def _users(self, purchasing, password):
        users = []
        for username, first, last in [
            ("warehouse", "Wanda", "Store"),
            ("purchasing", "Percy", "Buyer"),
        ]:
            user, _ = get_user_model().objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@opmodel.example",
                },
            )
            user.set_password(password)
            user.save()
            users.append(user)
        warehouse_user, buyer = users
        warehouse_user.groups.add(Group.objects.get(name="Warehouse"))
        for kind in (RoleKind.EXECUTOR, RoleKind.ACCOUNTABLE):
            ProcessRole.objects.get_or_create(process_id=purchasing.pk, kind=kind, user=buyer)
        return warehouse_user, buyer

    def _seed(self, o2c, ops, keeper, buyer):
        now = timezone.now()
        last_week = now - timedelta(days=7)
        Warehouse.objects.create(code="MAIN", name="Main warehouse")
        for sku, name, unit, whole, _ in PRODUCTS:
            Product.objects.create(sku=sku, name=name, unit=unit, unit_whole=whole)
        for sku, *_, on_hand in PRODUCTS:
            if sku == "LMP-LED":
                continue  # none on the shelf until last week's receipt
            stock_move(
                actor=keeper,
                sku=sku,
                warehouse="MAIN",
                quantity=Decimal(on_hand),
                kind="count",
                reason="Opening count",
                now=last_week - timedelta(days=3),
            )
        # Last week: an order waited two days for lamps, and a receipt filled it.
        client, _ = Client.objects.get_or_create(name="Nordbau GmbH")
        early = last_week - timedelta(days=2)
        waited = self._order(o2c, ops, client, "Site lighting", [("LMP-LED", 10)], early)
        card_transition(actor=ops, card=waited, name="price", at=early)
        # A worker raises a shortage's purchase card after the move's commit; here at once.
        shortages_catch_up(now=early, actor=ops)
        purchase = PurchaseNeed.objects.get(product__sku="LMP-LED", is_open=True).card
        card_transition(actor=buyer, card=purchase, name="order", at=early + timedelta(hours=2))
        stock_move(
            actor=keeper,
            sku="LMP-LED",
            warehouse="MAIN",
            quantity=Decimal(15),
            kind="receipt",
            reason="Supplier delivery",
            purchase_card=purchase.pk,
            now=last_week,
        )
        purchase.refresh_from_db()
        card_transition(actor=buyer, card=purchase, name="receive", at=last_week)
        # Today: orders that leave two products short and open their purchase cards.
        short = []
        for title, lines in ORDERS:
            card = self._order(o2c, ops, client, title, lines, now)
            card_transition(actor=ops, card=card, name="price", at=now)
            short.append(card)
        shortages_catch_up(now=now, actor=ops)
        # The supplier's date on the open purchase cards (the stock's expected arrival), and the
        # first short order promised before it: agreed, its promise is at risk.
        today = now.astimezone(process_zone(o2c)).date()
        for need in PurchaseNeed.objects.filter(is_open=True).select_related("card"):
            card_update(
                actor=buyer,
                card=need.card,
                changes={"promised_on": today + timedelta(days=SUPPLIER_DAYS)},
                at=now,
            )
        promised = today + timedelta(days=SUPPLIER_DAYS - 4)
        card_update(
            actor=ops, card=short[0], changes={"promised_on": promised, "shipment_date": promised}
        )
        card_transition(actor=ops, card=short[0], name="agree", at=now)

    def _order(self, o2c, ops, client, title, lines, at):
        card = card_create(actor=ops, process=o2c, title=title, client=client, at=at)
        for sku, quantity in lines:
            stock_item_add(
                actor=ops,
                card=card,
                sku=sku,
                quantity=Decimal(quantity),
                unit_price=Decimal("100"),
                unit_cost=Decimal("70"),
                at=at,
            )
        card_transition(actor=ops, card=card, name="qualify", at=at)
        card.refresh_from_db()
        return card
