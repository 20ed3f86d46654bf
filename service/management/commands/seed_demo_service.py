"""Demo customer service (issue 26, point 2): the `service` login (password as the other demo
logins), in the Service group; order to cash's manager and owner given their roles here too;
complaints about some of the demo's orders over the weeks, most resolved or rejected, some
still open, a few clients complaining more than once. Safe to repeat: once there are
complaints, none is added. Called by seed_demo (its last line)."""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from notifications.services import emails_withheld
from processes.models import Process, RequestCard
from processes.services import card_transition, card_update
from roles.models import ProcessRole
from service.definitions import PROCESS_SLUG
from service.models import Complaint
from service.services import complaint_create

# Order to cash's grants the manager and owner hold there, given to them in customer service.
COPIED_KINDS = ["accountable", "escalation", "approver"]
REASONS = ["damaged"] * 3 + ["late"] * 3 + ["wrong_item"] * 2 + ["quality"] * 2
REASONS += ["billing", "other"]
SHARE = 0.12  # of the agreed demo orders, one in about eight complains
# The path of a complaint: the moves and the business of hours each step waits before it.
PATH = [("triage", 1, 6), ("investigate", 2, 20), ("propose", 4, 40)]
REJECTION = "Outside the warranty terms"


class Command(BaseCommand):
    help = "Seed demo customer service: the service login and complaints about demo orders."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=26, help="Random seed (26).")

    def execute(self, *args, **options):
        with emails_withheld():
            return super().execute(*args, **options)

    def handle(self, *args, seed: int, **options):
        service = Process.objects.filter(slug=PROCESS_SLUG).first()
        order_to_cash = Process.objects.filter(slug="order-to-cash").first()
        if service is None or order_to_cash is None:
            self.stdout.write("No customer service or order to cash: no demo complaints.")
            return
        user = self._login()
        self._roles(order_to_cash, service)
        if Complaint.objects.exists():
            self.stdout.write("Demo complaints already exist: left as they are.")
            return
        rng = random.Random(seed)
        now = timezone.now()
        orders = list(
            RequestCard.objects.filter(
                process=order_to_cash,
                client__isnull=False,
                status__in=["agreed", "awaiting_payment", "fulfilled", "closed"],
            ).order_by("id")
        )
        made = 0
        with transaction.atomic():
            for order in orders:
                if rng.random() >= SHARE:
                    continue
                at = order.status_changed_at + timedelta(hours=rng.uniform(2, 96))
                if at >= now:
                    continue
                self._complaint(rng, user, order, at, now)
                made += 1
            # Repeat complaints: a second one from the clients of three recent complaints.
            recent = Complaint.objects.filter(
                created_at__gte=now - timedelta(weeks=6), card__client__isnull=False
            ).select_related("card__client")
            for complaint in list(recent.order_by("id"))[:3]:
                at = complaint.created_at + timedelta(days=rng.uniform(3, 10))
                if at < now:
                    self._complaint(rng, user, None, at, now, client=complaint.card.client)
                    made += 1
        self.stdout.write(self.style.SUCCESS(f"Created {made} demo complaints."))
        self.stdout.write(
            "Demo login service (password as the others): customer service's executor; "
            "manager and owner hold their order-to-cash roles there too."
        )

    def _login(self):
        user, _ = get_user_model().objects.get_or_create(
            username="service",
            defaults={
                "first_name": "Sam",
                "last_name": "Service",
                "email": "service@opmodel.example",
            },
        )
        user.set_password(settings.OPMODEL_DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get_or_create(name="Service")[0])
        return user

    def _roles(self, order_to_cash, service):
        grants = ProcessRole.objects.filter(
            process_id=order_to_cash.pk, kind__in=COPIED_KINDS, user__isnull=False
        )
        for grant in grants:
            ProcessRole.objects.get_or_create(
                process_id=service.pk,
                kind=grant.kind,
                user_id=grant.user_id,
                defaults={"authority": grant.authority},
            )
        if service.owner_id is None and order_to_cash.owner_id:
            Process.objects.filter(pk=service.pk).update(owner_id=order_to_cash.owner_id)

    def _complaint(self, rng, user, order, at, now, client=None):
        reason = rng.choice(REASONS)
        item = order.items.order_by("id").first() if order is not None else None
        returned = ""
        if reason in ("damaged", "wrong_item") and item is not None:
            returned = f"{min(int(item.quantity), 2)} x {item.product}"
        card = complaint_create(
            actor=user,
            reason=reason,
            now=at,
            order=order,
            client=client,
            returned=returned,
            priority=rng.choice(["normal"] * 4 + ["high", "urgent"]),
            channel=rng.choice(["email", "phone", "phone", "website"]),
        )
        card = card_update(actor=user, card=card, changes={"responsible": user}, at=at)
        # The last week's complaints are still being worked on: each stops at a drawn step.
        steps = rng.randint(0, len(PATH)) if at > now - timedelta(days=7) else len(PATH) + 1
        for n, (name, low, high) in enumerate(PATH):
            at += timedelta(hours=rng.uniform(low, high))
            if at >= now or n >= steps:
                return
            if name == "investigate" and rng.random() < 0.1:
                card_transition(actor=user, card=card, name="reject", lost_reason=REJECTION, at=at)
                return
            card = card_transition(actor=user, card=card, name=name, at=at)
        at += timedelta(hours=rng.uniform(8, 72))
        if at >= now or steps <= len(PATH):
            return
        if returned:
            card = card_transition(actor=user, card=card, name="await_return", at=at)
            at += timedelta(hours=rng.uniform(24, 120))
            if at >= now:
                return
        card_transition(actor=user, card=card, name="resolve", at=at)
