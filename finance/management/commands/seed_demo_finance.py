"""Demo money (issue 24, point 6): the invoiced demo cards waiting for their money get paid in
full, in part or not at all, as finance would have recorded it, and move on when paid (prepaid
ships, then closes; deferred closes). Leaves overdue invoices, partly paid ones and a
`finance` user who records payments. Safe to repeat: once there are payments, nothing is done. Run
after seed_demo (it needs `ops`, `finance` and the cards)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from finance.models import Invoice, Payment
from finance.services import payment_record, process_today
from opmodel.errors import Forbidden
from processes.errors import CardConflict, TransitionRefused
from processes.models import Process
from processes.services import card_transition
from processes.services.handoffs import card_stage, card_take, waiting_for_pickup


class Command(BaseCommand):
    help = "Seed the demo payments: paid, partly paid and overdue invoices."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=11, help="Random seed (11).")

    def handle(self, *args, seed: int, **options):
        process = Process.objects.filter(slug="order-to-cash").first()
        users = get_user_model().objects.in_bulk(
            ["ops", "finance", "warehouse"], field_name="username"
        )
        if process is None or len(users) < 3:
            raise CommandError(
                "Run seed_demo first: it makes order to cash, ops, finance and warehouse."
            )
        if Payment.objects.filter(invoice__card__process=process).exists():
            self.stdout.write("Demo payments already exist: left as they are.")
            return
        rng = random.Random(seed)
        now = timezone.now()
        invoices = (
            Invoice.objects.filter(
                card__process=process, voided_on__isnull=True, paid_in_full_on__isnull=True
            )
            .select_related("card__process")
            .order_by("id")
        )
        counts = {"paid": 0, "partly": 0, "unpaid": 0}
        with transaction.atomic():
            for invoice in invoices:
                kind = self._settle(rng, invoice, users, now)
                counts[kind] += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo invoices: {counts['paid']} paid, {counts['partly']} partly paid, "
                f"{counts['unpaid']} left unpaid (overdue once past their due date)."
            )
        )

    def _settle(self, rng, invoice, users, now) -> str:
        card = invoice.card
        roll = rng.random()
        kind = "paid" if roll < 0.6 else "partly" if roll < 0.8 else "unpaid"
        if kind == "unpaid":
            return kind
        # Paid some days after issue (deferred: before or after its due date), never ahead.
        days = rng.randint(1, 4) if invoice.payment_terms == "prepaid" else rng.randint(5, 50)
        at = min(invoice.issued_at + timedelta(days=days), now - timedelta(hours=1))
        if at <= card.status_changed_at:
            at = card.status_changed_at + timedelta(minutes=30)
            if at >= now:
                return "unpaid"
        paid_on = process_today(card, at)
        share = Decimal(1) if kind == "paid" else Decimal(rng.choice(["0.3", "0.5", "0.7"]))
        amount = (invoice.amount * share).quantize(Decimal("0.01"))
        if amount <= 0:
            return "unpaid"
        payment_record(
            actor=users["finance"],
            card=card,
            amount=amount,
            paid_on=paid_on,
            reference=f"Bank transfer {invoice.pk:05d}",
            now=at,
        )
        if kind == "paid":
            # Each stage's group moves it on (the warehouse ships, finance closes: the stage
            # roles), taking it from their queue first when it waits there.
            for name, who, hours in (("fulfil", "warehouse", 3), ("close", "finance", 20)):
                at = at + timedelta(hours=hours)
                if at >= now:
                    break
                actor = users[who]
                try:
                    if waiting_for_pickup(card) and card_stage(card):
                        card = card_take(actor=actor, card=card, at=at)
                    card = card_transition(actor=actor, card=card, name=name, at=at)
                except (TransitionRefused, Forbidden, CardConflict):
                    continue  # deferred: already shipped; stock short: it waits
        return kind
