"""The request card with its client, line items and documents."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django_fsm import (
    RETURN_VALUE,
    ConcurrentTransitionMixin,
    FSMField,
    transition,
)

from opmodel.rounding import HUNDRED, margin_percent, money_round
from processes.models.clients import Client
from processes.models.definitions import BlockReason, Process, Status, Transition


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    WEBSITE = "website", "Website"
    SALES_REP = "sales_rep", "Sales rep"
    MARKETPLACE = "marketplace", "Marketplace"
    PARTNER = "partner", "Partner"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class PaymentTerms(models.TextChoices):
    PREPAID = "prepaid", "Prepaid"
    DEFERRED = "deferred", "Deferred"


# The clock's state in SQL, the same rules as processes.sla.sla_state: a running clock is judged
# by its instants, a paused one by the share of the allowance used. (processes/filters.py, the
# risks page and the agendas read them through RequestCard's queryset below.)
SLA_RUNNING = Q(sla_allowance__isnull=False, sla_resumed_at__isnull=False)
SLA_PAUSED = Q(sla_allowance__isnull=False, sla_resumed_at__isnull=True)
SLA_PAUSED_AT_RISK = SLA_PAUSED & Q(
    GreaterThanOrEqual(F("sla_consumed") * 100, F("sla_allowance") * F("sla_at_risk_percent"))
)
SLA_PAUSED_BREACHED = SLA_PAUSED & Q(sla_consumed__gt=F("sla_allowance"))
# Business seconds the status clock has left (negative once over).
SLA_LEFT = F("sla_allowance") - F("sla_consumed")


def sla_breached_q(now: datetime) -> Q:
    # Breached means after the deadline (processes.sla.Clock.state).
    return (SLA_RUNNING & Q(due_at__lt=now)) | SLA_PAUSED_BREACHED


def sla_at_risk_q(now: datetime) -> Q:
    """At risk and not yet breached."""
    running = SLA_RUNNING & Q(at_risk_at__lte=now) & ~Q(due_at__lt=now)
    return running | (SLA_PAUSED_AT_RISK & ~SLA_PAUSED_BREACHED)


class RequestCardQuerySet(models.QuerySet):
    """The questions every list of cards asks, answered once in SQL."""

    def open(self) -> "RequestCardQuerySet":
        """Cards not in a final status of their process."""
        final = Status.objects.filter(
            process_id=OuterRef("process_id"), slug=OuterRef("status"), final=True
        )
        return self.exclude(Exists(final))

    def at_risk(self, now: datetime) -> "RequestCardQuerySet":
        """Status clock at risk and not yet breached at `now`."""
        return self.filter(sla_at_risk_q(now))

    def breached(self, now: datetime) -> "RequestCardQuerySet":
        return self.filter(sla_breached_q(now))

    def blocked(self) -> "RequestCardQuerySet":
        return self.filter(is_blocked=True)


class RequestCard(ConcurrentTransitionMixin, models.Model):
    """The object that moves through a process.

    Concurrency: every service writes a card through `processes.services.cards.card_save`, one
    `UPDATE ... WHERE id = %s AND version = %s` that also moves the version on, so any two
    writers of one card conflict instead of overwriting each other. The FSM mixin still refuses
    any other save (the admin's) when the status changed since the card was read.
    """

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="cards")
    title = models.CharField(max_length=200)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="cards"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_cards",
    )
    discount_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)],
    )
    payment_terms = models.CharField(
        max_length=10, choices=PaymentTerms.choices, default=PaymentTerms.PREPAID
    )
    deferred_days = models.PositiveSmallIntegerField(null=True, blank=True)
    shipment_date = models.DateField(null=True, blank=True)
    # The promise to the client (processes/promises.py): the date promised, required to agree;
    # changed only through card_update with a reason (a promise_changed event). `shipped_on` is
    # the local day of the move that carries the effect `record_shipment` (kept or missed).
    promised_on = models.DateField(null=True, blank=True)
    shipped_on = models.DateField(null=True, blank=True)
    # The promise-risk scan's claim (metrics/promises/scan.py), written by the scan alone: when
    # the current spell at risk was announced; cleared when the card is back on track.
    promise_risk_since = models.DateTimeField(null=True, blank=True)
    status = FSMField(max_length=50, protected=True)
    version = models.PositiveIntegerField(default=1)
    lost_reason = models.CharField(max_length=300, blank=True)
    # Denormalized from the line items, kept by the item service in the same transaction, so
    # that conditions and boards read them without a query per card.
    items_count = models.PositiveIntegerField(default=0)
    items_price_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    items_cost_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    items_quantity_total = models.DecimalField(
        max_digits=15, decimal_places=3, default=Decimal("0")
    )
    is_blocked = models.BooleanField(default=False)
    block_reason = models.ForeignKey(
        BlockReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    block_note = models.CharField(max_length=500, blank=True)
    blocked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # The SLA clock (see processes/sla.py), kept by the services with every move.
    sla_visit = models.PositiveIntegerField(default=0, help_text="Status visits so far.")
    sla_allowance = models.PositiveIntegerField(null=True, blank=True)
    sla_consumed = models.PositiveIntegerField(default=0)
    sla_at_risk_percent = models.PositiveSmallIntegerField(default=75)
    sla_resumed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    at_risk_at = models.DateTimeField(null=True, blank=True)
    # The deadline scan's claims (metrics/services/deadlines.py), written by the scan alone: the
    # last status visit alerted at each level. A visit above them with its instant passed still
    # needs its alert; alerted cards leave the partial indexes below.
    sla_risk_alerted_visit = models.PositiveIntegerField(default=0)
    sla_breach_alerted_visit = models.PositiveIntegerField(default=0)
    # The whole-process target's clock (creation to the target status), same scheme.
    target_allowance = models.PositiveIntegerField(null=True, blank=True)
    target_consumed = models.PositiveIntegerField(default=0)
    target_at_risk_percent = models.PositiveSmallIntegerField(default=75)
    target_resumed_at = models.DateTimeField(null=True, blank=True)
    target_due_at = models.DateTimeField(null=True, blank=True)
    target_at_risk_at = models.DateTimeField(null=True, blank=True)
    target_risk_alerted = models.BooleanField(default=False)
    target_breach_alerted = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RequestCardQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Its tail covers the queue's count by kind of clock and the board's counts of open
            # cards (index-only scans).
            models.Index(
                fields=[
                    "process",
                    "status",
                    "responsible",
                    "is_blocked",
                    "sla_resumed_at",
                    "due_at",
                    "sla_allowance",
                ],
                name="card_process_status_clock",
            ),
            models.Index(fields=["responsible", "created_at"], name="card_responsible_created"),
            # The deadline scan's work: only cards whose clock runs and whose alert for the level
            # is still to raise are in these, so a steady scan reads nothing it has done before.
            models.Index(
                fields=["at_risk_at", "id"],
                name="card_risk_due",
                condition=Q(at_risk_at__isnull=False, sla_risk_alerted_visit__lt=F("sla_visit")),
            ),
            models.Index(
                fields=["due_at", "id"],
                name="card_breach_due",
                condition=Q(due_at__isnull=False, sla_breach_alerted_visit__lt=F("sla_visit")),
            ),
            # The queue, the risks page and the board (bench/board_pages.py): running clocks by
            # due instant, paused clocks, blocked cards, finished cards by their last move.
            models.Index(
                fields=["due_at", "at_risk_at"],
                name="card_running_clock",
                condition=Q(sla_resumed_at__isnull=False),
            ),
            models.Index(
                fields=["id"],
                name="card_paused_clock",
                condition=Q(sla_allowance__isnull=False, sla_resumed_at__isnull=True),
            ),
            models.Index(
                fields=["blocked_at", "id"], name="card_blocked", condition=Q(is_blocked=True)
            ),
            models.Index(
                fields=["process", "status", "status_changed_at"], name="card_status_moved"
            ),
            models.Index(
                fields=["target_at_risk_at", "id"],
                name="card_target_risk_due",
                condition=Q(target_at_risk_at__isnull=False, target_risk_alerted=False),
            ),
            # The cards shipped in a week (service/selectors/figures.py, each week of the
            # backfill): without it, every card of the process.
            models.Index(fields=["process", "shipped_on"], name="card_process_shipped"),
            # A client's first order (sales/selectors/orders.py, each week of the backfill).
            models.Index(fields=["client", "created_at"], name="card_client_created"),
            # The promise-risk scan's work: promised cards not shipped yet.
            models.Index(
                fields=["process", "id"],
                name="card_promise_waiting",
                condition=Q(promised_on__isnull=False, shipped_on__isnull=True),
            ),
            models.Index(
                fields=["target_due_at", "id"],
                name="card_target_breach_due",
                condition=Q(target_due_at__isnull=False, target_breach_alerted=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="card_discount_0_100",
            ),
            models.CheckConstraint(
                condition=Q(payment_terms="prepaid", deferred_days__isnull=True)
                | Q(payment_terms="deferred", deferred_days__gte=1),
                name="card_deferred_days_with_deferred_terms",
                violation_error_message="Deferred terms need a number of days; prepaid has none.",
            ),
            models.CheckConstraint(
                condition=Q(is_blocked=False) | Q(block_reason__isnull=False),
                name="card_blocked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    # The state graph itself is data (Transition rows); the service checks the definition,
    # roles and conditions and reports every unmet one in words, then moves the card here.
    # No I/O in this body: the concurrency guard relies on it.
    @transition(field=status, source="*", target=RETURN_VALUE())
    def apply_transition(self, definition: Transition) -> str:
        return definition.target.slug

    # One rounding rule (opmodel/rounding.py): the rules compare these values as the card shows
    # them, and the weekly figures compare margins the same way.
    @property
    def net_total(self) -> Decimal:
        return money_round(self.items_price_total * (HUNDRED - self.discount_percent) / HUNDRED)

    @property
    def margin_percent(self) -> Decimal | None:
        return margin_percent(self.items_price_total, self.items_cost_total, self.discount_percent)

    # The clocks' states depend on the instant asked about, so they are not properties: ask
    # processes.sla.sla_state(card, now) / target_state(card, now) with the request's `now`.


# The card's data a person sets, in the order the forms show it; the form, the API's input and
# the edit service all take this list. Everything else changes through a move, a block, a line
# item or the clock.
EDITABLE_CARD_FIELDS = (
    "title",
    "client",
    "channel",
    "priority",
    "responsible",
    "discount_percent",
    "payment_terms",
    "deferred_days",
    "shipment_date",
    "promised_on",
)


class LineItem(models.Model):
    card = models.ForeignKey(RequestCard, on_delete=models.CASCADE, related_name="items")
    product = models.CharField(max_length=200)
    quantity = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    unit_cost = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="item_price_not_negative"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="item_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"

    @property
    def line_price(self) -> Decimal:
        return money_round(self.quantity * self.unit_price)

    @property
    def line_cost(self) -> Decimal:
        return money_round(self.quantity * self.unit_cost)


def document_path(instance, filename):
    return f"cards/{instance.card_id}/{filename}"


class Document(models.Model):
    card = models.ForeignKey(RequestCard, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_path)
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
