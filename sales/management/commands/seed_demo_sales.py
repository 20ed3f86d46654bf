"""Demo repeat sales: client segments, account managers, and a few reactivation cards of
clients who went quiet: one won (it ordered again, the order linked), one lost, two open (one
contacted, one just opened by today's scan). Called by seed_demo (one line), so it runs before
metrics_backfill and the weeks count the reactivations. Safe to repeat: segments and account
managers are set only where missing, the history only when there is no reactivation yet."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from notifications.services import emails_withheld
from processes.models import Client, ClientSegment, Process
from processes.services import card_create, card_transition
from roles.models import ProcessRole, RoleKind
from sales.definitions import ORDER_PROCESS_SLUG
from sales.models import Reactivation
from sales.services import reactivation_process, reactivation_scan

SEGMENTS = [("Key accounts", 14), ("Regular", 30), ("Occasional", 60)]
# The demo's order clients (seed_demo's CLIENTS), by segment: the first few are key accounts.
KEY_ACCOUNTS = 4
# Clients who went quiet: name, segment, days since they became clients (none ordered since).
QUIET = [
    ("Falcon Roofing", "Regular", 55),  # opened 20 days ago, no order: lost
    ("Ivy Interiors", "Key accounts", 26),  # opened 10 days ago, ordered: won
    ("Juniper Garden Centre", "Occasional", 64),  # opened 4 days ago: contacted
    ("Cedar Joinery", "Regular", 31),  # opened by today's scan: to contact
]
# Who looks after whom: ops the regular clients, the manager the key accounts.
ROLES = {"ops": [RoleKind.EXECUTOR], "manager": [RoleKind.ACCOUNTABLE, RoleKind.ESCALATION]}


class Command(BaseCommand):
    help = "Seed the demo repeat sales: segments, account managers, reactivation cards."

    def execute(self, *args, **options):
        with emails_withheld():
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        users = get_user_model().objects.in_bulk(list(ROLES), field_name="username")
        if len(users) < len(ROLES):
            raise CommandError("Run seed_demo first: it makes ops and manager.")
        segments = {
            name: ClientSegment.objects.get_or_create(
                name=name, defaults={"order_interval_days": days}
            )[0]
            for name, days in SEGMENTS
        }
        now = timezone.now()
        ordering = Client.objects.filter(cards__process__slug=ORDER_PROCESS_SLUG).distinct()
        for n, client in enumerate(ordering.order_by("name")):
            key = n < KEY_ACCOUNTS
            self._follow(
                client,
                segments["Key accounts" if key else "Regular"],
                users["manager" if key else "ops"],
            )
        process = reactivation_process()
        if process is None:
            self.stdout.write("No reactivation process (migrate sales): no reactivation cards.")
            return
        for username, kinds in ROLES.items():
            for kind in kinds:
                ProcessRole.objects.get_or_create(
                    process_id=process.pk, kind=kind, user=users[username]
                )
        if process.owner_id is None:
            orders = Process.objects.filter(slug=ORDER_PROCESS_SLUG).first()
            Process.objects.filter(pk=process.pk).update(owner_id=orders and orders.owner_id)
        if Reactivation.objects.exists():
            self.stdout.write("Demo reactivations already exist: left as they are.")
            return
        with transaction.atomic():
            self._history(segments, users, now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded repeat sales: {Reactivation.objects.count()} reactivation card(s)."
            )
        )

    def _follow(self, client, segment, manager) -> None:
        changed = []
        if client.segment_id is None:
            client.segment, changed = segment, [*changed, "segment"]
        if client.account_manager_id is None:
            client.account_manager, changed = manager, [*changed, "account_manager"]
        if changed:
            client.save(update_fields=changed)

    def _history(self, segments, users, now) -> None:
        ops = users["ops"]
        clients = {}
        for name, segment, days in QUIET:
            client, _ = Client.objects.get_or_create(name=name)
            Client.objects.filter(pk=client.pk).update(created_at=now - timedelta(days=days))
            client.refresh_from_db()
            self._follow(client, segments[segment], ops)
            clients[name] = client
        # The scans as they ran then (each opens whoever was due at its instant).
        reactivation_scan(now=now - timedelta(days=20))
        reactivation_scan(now=now - timedelta(days=10))
        reactivation_scan(now=now - timedelta(days=4))
        cards = {
            r.client.name: r.card
            for r in Reactivation.objects.filter(client__in=clients.values()).select_related(
                "card", "client"
            )
        }
        falcon, ivy, juniper = (
            cards["Falcon Roofing"],
            cards["Ivy Interiors"],
            cards["Juniper Garden Centre"],
        )
        card_transition(actor=ops, card=falcon, name="contact", at=now - timedelta(days=19))
        card_transition(
            actor=ops,
            card=falcon,
            name="mark_lost",
            lost_reason="Buys from a local competitor now",
            at=now - timedelta(days=12),
        )
        card_transition(actor=ops, card=ivy, name="contact", at=now - timedelta(days=9))
        card_create(
            actor=ops,
            process=Process.objects.get(slug=ORDER_PROCESS_SLUG),
            title="Ivy Interiors: order after the reactivation call",
            client=clients["Ivy Interiors"],
            channel="sales_rep",
            responsible=ops,
            at=now - timedelta(days=3),
        )
        card_transition(actor=ops, card=ivy, name="win", at=now - timedelta(days=2))
        card_transition(actor=ops, card=juniper, name="contact", at=now - timedelta(hours=20))
        reactivation_scan(now=now)
