from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import (
    RETURN_VALUE,
    ConcurrentTransition,
    ConcurrentTransitionMixin,
    FSMField,
    transition,
)

from processes.conditions import CONDITIONS
from roles.models import RoleKind

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


class Process(models.Model):
    """One stream of work. Statuses, transitions and block reasons are rows, not code."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    input = models.CharField(max_length=200, blank=True, help_text="What starts the process.")
    output = models.CharField(max_length=200, blank=True, help_text="What the process delivers.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_processes",
    )
    is_active = models.BooleanField(default=True)
    calendar = models.ForeignKey(
        "processes.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="processes",
        help_text="Business hours its SLAs count in. Blank: the standard office hours.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processes"

    def __str__(self) -> str:
        return self.name


class Status(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="statuses")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    final = models.BooleanField(default=False, help_text="Cards here are finished.")
    next_action = models.CharField(
        max_length=200, blank=True, help_text="What the responsible person does next here."
    )
    waiting_on_customer = models.BooleanField(
        default=False, help_text="The SLA clock pauses while a card is here."
    )

    class Meta:
        ordering = ["process_id", "order", "id"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(fields=["process", "slug"], name="status_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.process.slug}: {self.name}" if self.process_id else self.name


def _validate_role_kinds(value):
    if not isinstance(value, list) or not all(v in RoleKind.values for v in value):
        raise ValidationError(f"Give a list of process roles from: {', '.join(RoleKind.values)}.")


def _validate_condition_names(value):
    if not isinstance(value, list) or not all(v in CONDITIONS for v in value):
        raise ValidationError(f"Give a list of conditions from: {', '.join(CONDITIONS)}.")


def default_transition_roles():
    return [RoleKind.EXECUTOR.value, RoleKind.ACCOUNTABLE.value]


class Transition(models.Model):
    """A named move from any of `sources` to `target`, for the roles and under the conditions."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="transitions")
    name = models.SlugField(max_length=50, help_text="Used in the API, e.g. qualify.")
    label = models.CharField(max_length=80, help_text="Button text, e.g. Qualify.")
    sources = models.ManyToManyField(Status, related_name="outgoing")
    target = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="incoming")
    allowed_roles = models.JSONField(
        default=default_transition_roles,
        validators=[_validate_role_kinds],
        help_text="Process roles that may make this move.",
    )
    conditions = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_condition_names],
        help_text="Conditions the card must meet, by name.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["process_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "name"], name="transition_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.process.slug}: {self.name}" if self.process_id else self.name

    def clean(self):
        if self.target_id and self.process_id and self.target.process_id != self.process_id:
            raise ValidationError({"target": "The target status belongs to another process."})


class BlockReason(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="block_reasons")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["process_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "slug"], name="block_reason_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class RequestCard(ConcurrentTransitionMixin, models.Model):
    """The object that moves through a process.

    Concurrency: the FSM mixin refuses a save when the status changed since the card was read,
    and `_do_update` below does the same for the version, so any two writers of one card
    conflict instead of overwriting each other.
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
    # The deadline scan's claims (metrics/deadlines.py), written by the scan alone: the last
    # status visit alerted at each level. A visit above them with its instant passed still
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

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["process", "status"], name="card_process_status"),
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
            models.Index(
                fields=["target_at_risk_at", "id"],
                name="card_target_risk_due",
                condition=Q(target_at_risk_at__isnull=False, target_risk_alerted=False),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded_version = self.version

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args):
        updated = super()._do_update(
            base_qs.filter(version=self._loaded_version),
            using,
            pk_val,
            values,
            update_fields,
            forced_update,
            *args,
        )
        if not updated and base_qs.filter(pk=pk_val).using(using).exists():
            raise ConcurrentTransition("The card changed since it was read.")
        return updated

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_version = self.version

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._loaded_version = self.version

    @property
    def net_total(self) -> Decimal:
        factor = (HUNDRED - self.discount_percent) / HUNDRED
        return (self.items_price_total * factor).quantize(CENT, ROUND_HALF_UP)

    @property
    def margin_percent(self) -> Decimal | None:
        net = self.items_price_total * (HUNDRED - self.discount_percent) / HUNDRED
        if net <= 0:
            return None
        return ((net - self.items_cost_total) / net * HUNDRED).quantize(CENT, ROUND_HALF_UP)

    @property
    def sla_state(self) -> str | None:
        from processes.sla import sla_state

        return sla_state(self, timezone.now())

    @property
    def target_state(self) -> str | None:
        from processes.sla import target_state

        return target_state(self, timezone.now())

    @property
    def age(self):
        return timezone.now() - self.created_at


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
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)

    @property
    def line_cost(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(CENT, ROUND_HALF_UP)


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


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    TRANSITION = "transition", "Transition"
    BLOCK = "block", "Blocked"
    UNBLOCK = "unblock", "Unblocked"
    ASSIGNMENT = "assignment", "Assignment"
    FIELD_CHANGE = "field_change", "Field change"
    ITEM_ADDED = "item_added", "Line item added"
    DOCUMENT_ADDED = "document_added", "Document added"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested"
    APPROVAL_DECIDED = "approval_decided", "Approval decided"
    APPROVAL_WITHDRAWN = "approval_withdrawn", "Approval withdrawn"
    APPROVAL_ESCALATED = "approval_escalated", "Approval escalated"


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Events are append-only.")

    def delete(self):
        raise PermissionError("Events are append-only.")


class Event(models.Model):
    """Append-only history of a card: metrics are computed from it; nothing rewrites it."""

    card = models.ForeignKey(RequestCard, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=50, blank=True)
    to_status = models.CharField(max_length=50, blank=True)
    transition = models.CharField(max_length=50, blank=True)
    comment = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["card", "at"], name="event_card_at")]

    def __str__(self) -> str:
        return f"{self.kind} on card {self.card_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Events are append-only.")


from processes.approvals import ApprovalRequest, ExceptionRule  # noqa: E402,F401
from processes.calendars import BusinessCalendar, Holiday  # noqa: E402,F401
from processes.sla import ProcessTarget, SLAPolicy  # noqa: E402,F401
