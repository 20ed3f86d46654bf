"""Exception rules and approval requests (docs/design.md, "Vocabulary": Exception).

A rule is data: a condition on one card field (`discount_percent > 10`), the process role and
authority that decides it, the transition it guards and a decision SLA in business hours. Rules
of one `family` (e.g. "discount") are levels of the same question: a card needs one request per
family, at the highest level whose condition it meets, and that level decides alone.

Who may decide is data too: a grant of the rule's role kind (approver by default) whose
`authority` is the rule's authority, or blank (a blank authority decides every exception of the
process: the top approver).
"""

import operator as op
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roles.models import RoleKind


@dataclass(frozen=True)
class RuleField:
    label: str
    numeric: bool
    choices: tuple[str, ...] = ()

    def value(self, card, name: str):
        value = getattr(card, name)
        if value is None:
            return None
        return Decimal(value) if self.numeric else str(value)

    def text(self, value) -> str:
        """The value as a request stores it: numbers without trailing zeros ("15", "11.67"),
        so a card read back from the database (15.00) compares equal to one just set (15)."""
        if self.numeric:
            return f"{Decimal(value).normalize():f}"
        return str(value)


# The card fields a rule may name. They are columns or properties of the card that need no
# query (totals are denormalized), so checking every rule of a process costs nothing.
RULE_FIELDS: dict[str, RuleField] = {
    "discount_percent": RuleField("Discount, %", True),
    "margin_percent": RuleField("Margin, %", True),
    "net_total": RuleField("Net total", True),
    "items_price_total": RuleField("Line items total", True),
    "items_quantity_total": RuleField("Total quantity", True),
    "items_count": RuleField("Number of line items", True),
    "deferred_days": RuleField("Deferred by, days", True),
    "payment_terms": RuleField("Payment terms", False, ("prepaid", "deferred")),
    "priority": RuleField("Priority", False, ("low", "normal", "high", "urgent")),
    "channel": RuleField(
        "Channel", False, ("email", "phone", "website", "sales_rep", "marketplace", "partner")
    ),
}
RULE_FIELD_CHOICES = [(name, f.label) for name, f in RULE_FIELDS.items()]


def choice_label(field: str, value: str) -> str:
    """A choice field's value as a person reads it ("deferred" -> "Deferred"); the API and the
    request keep the value."""
    from processes.models.cards import Channel, PaymentTerms, Priority

    choices = {"payment_terms": PaymentTerms, "priority": Priority, "channel": Channel}.get(field)
    return dict(choices.choices).get(value, value) if choices else value


class Operator(models.TextChoices):
    GT = ">", "greater than"
    GE = ">=", "at least"
    LT = "<", "less than"
    LE = "<=", "at most"
    EQ = "==", "equal to"
    NE = "!=", "not equal to"


OPERATORS = {
    Operator.GT: op.gt,
    Operator.GE: op.ge,
    Operator.LT: op.lt,
    Operator.LE: op.le,
    Operator.EQ: op.eq,
    Operator.NE: op.ne,
}


class ExceptionRule(models.Model):
    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="exception_rules"
    )
    family = models.SlugField(
        max_length=50,
        help_text="Rules of one family are levels of one question (e.g. discount): the highest "
        "level the card meets needs approval, alone.",
    )
    name = models.CharField(max_length=120, help_text="In words, e.g. Discount over 10%.")
    field = models.CharField(max_length=40, choices=RULE_FIELD_CHOICES)
    operator = models.CharField(max_length=2, choices=Operator.choices)
    threshold = models.CharField(
        max_length=40, help_text="A number, or a choice value such as deferred."
    )
    level = models.PositiveSmallIntegerField(
        default=1, help_text="Higher levels supersede lower ones of the same family."
    )
    approver_kind = models.CharField(
        max_length=20, choices=RoleKind.choices, default=RoleKind.APPROVER
    )
    authority = models.CharField(
        max_length=50,
        blank=True,
        help_text="Which grants of the role decide, e.g. manager, owner, finance (their role "
        "grant names it; a grant with a blank authority decides all). Blank: any holder.",
    )
    guards = models.ForeignKey(
        "processes.Transition",
        on_delete=models.CASCADE,
        related_name="exception_rules",
        help_text="The move refused until the exception is approved.",
    )
    decision_sla_hours = models.PositiveIntegerField(
        default=8,
        validators=[MinValueValidator(1)],
        help_text="Business hours to decide before the request escalates.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["process_id", "family", "level", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "family", "level"], name="exception_rule_unique_level"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def condition_text(self) -> str:
        return f"{self.field} {self.operator} {self.threshold}"

    @property
    def approver_text(self) -> str:
        kind = RoleKind(self.approver_kind).label.lower()
        if self.authority:
            return f"the {self.authority}-level {kind}"
        return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"

    def _threshold(self):
        spec = RULE_FIELDS[self.field]
        return Decimal(self.threshold) if spec.numeric else self.threshold

    def value_of(self, card):
        return RULE_FIELDS[self.field].value(card, self.field)

    def text_of(self, card) -> str:
        value = self.value_of(card)
        return "" if value is None else RULE_FIELDS[self.field].text(value)

    def matches(self, card) -> bool:
        value = self.value_of(card)
        if value is None:
            return False
        return OPERATORS[self.operator](value, self._threshold())

    def covers(self, approved: str, current) -> bool:
        """Whether an approval given at the value `approved` still covers the card's `current`
        value: the same, or further from the threshold (a lower discount, a higher margin)."""
        if current is None:
            return False
        if not RULE_FIELDS[self.field].numeric:
            return str(current) == approved
        approved_value = Decimal(approved)
        if self.operator in (Operator.EQ, Operator.NE):
            return current == approved_value
        if self.operator in (Operator.GT, Operator.GE):
            return current <= approved_value
        return current >= approved_value

    def clean(self):
        spec = RULE_FIELDS.get(self.field)
        if spec is None:
            return
        errors = {}
        if spec.numeric:
            try:
                Decimal(self.threshold)
            except (InvalidOperation, TypeError):
                errors["threshold"] = f"{spec.label} is a number: give a number."
        else:
            if self.operator not in (Operator.EQ, Operator.NE):
                errors["operator"] = f"{spec.label} is compared with == or != only."
            if self.threshold not in spec.choices:
                errors["threshold"] = f"Choose one of: {', '.join(spec.choices)}."
        if self.family == AD_HOC_FAMILY:
            errors["family"] = f"{AD_HOC_FAMILY} is the family of exceptions no rule foresees."
        if self.guards_id and self.process_id and self.guards.process_id != self.process_id:
            errors["guards"] = "The transition belongs to another process."
        if errors:
            raise ValidationError(errors)


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Superseded"


# A card has at most one of these per family: the request that decides the guarded move.
CURRENT_STATUSES = [ApprovalStatus.PENDING, ApprovalStatus.APPROVED, ApprovalStatus.REJECTED]

# The exception route (README "Approvals (exceptions)"): an exception no rule foresees, asked by
# hand from a card. Its requests have no rule and this family; the process's owner-level
# approver decides (a grant of the approver role with the authority "owner", or a blank one),
# within the decision SLA below, and they escalate as a rule's do. They guard no move: the
# decision is the record. One may wait at a time per card.
AD_HOC_FAMILY = "ad-hoc"
AD_HOC_NAME = "Exception no rule foresees"
AD_HOC_AUTHORITY = "owner"
AD_HOC_DECISION_SLA_HOURS = 8


class ExceptionReason(models.TextChoices):
    """What an ad-hoc exception is about, beside its free-text why: the figures count them by
    it, so that the monthly review sees which one is frequent enough to become a rule."""

    PRICE = "price", "Price or discount"
    PAYMENT = "payment", "Payment terms"
    DELIVERY = "delivery", "Delivery date or way"
    STOCK = "stock", "Stock or a substitute"
    SCOPE = "scope", "What is ordered"
    DOCUMENTS = "documents", "Documents or paperwork"
    OTHER = "other", "Something else"


class ApprovalRequest(models.Model):
    """One request for one exception of one card, at one level, for the value it had then."""

    card = models.ForeignKey(
        "processes.RequestCard", on_delete=models.CASCADE, related_name="approval_requests"
    )
    rule = models.ForeignKey(
        ExceptionRule,
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
        help_text="Blank for an exception no rule foresees (the family is ad-hoc).",
    )
    family = models.SlugField(max_length=50)
    ask = models.CharField(
        max_length=200, blank=True, help_text="An ad-hoc exception: what is asked."
    )
    why = models.TextField(blank=True, help_text="An ad-hoc exception: why.")
    reason = models.CharField(
        max_length=20,
        choices=ExceptionReason.choices,
        blank=True,
        help_text="An ad-hoc exception: what it is about.",
    )
    value = models.CharField(max_length=40, help_text="The card's value when requested.")
    status = models.CharField(
        max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="Decide by then, or it escalates.")
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was withdrawn or superseded."
    )

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "family"],
                condition=Q(status__in=CURRENT_STATUSES) & ~Q(family=AD_HOC_FAMILY),
                name="approval_one_current_per_card_family",
            ),
            models.UniqueConstraint(
                fields=["card"],
                condition=Q(status=ApprovalStatus.PENDING, family=AD_HOC_FAMILY),
                name="approval_one_pending_ad_hoc_per_card",
            ),
            models.CheckConstraint(
                condition=Q(rule__isnull=False) | Q(family=AD_HOC_FAMILY),
                name="approval_rule_or_ad_hoc",
            ),
        ]
        indexes = [
            # The escalation scan's claim: pending requests not yet escalated, by deadline.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status="pending", escalated_at__isnull=True),
                name="approval_unescalated_due",
            ),
            models.Index(fields=["status", "requested_at"], name="approval_status_requested"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on card {self.card_id}: {self.status}"

    def is_overdue_at(self, now) -> bool:
        return self.status == ApprovalStatus.PENDING and self.due_at <= now

    # What decides the request: its rule's, or the exception route's for an ad-hoc one.
    @property
    def is_ad_hoc(self) -> bool:
        return self.rule_id is None

    @property
    def name(self) -> str:
        return AD_HOC_NAME if self.rule is None else self.rule.name

    @property
    def approver_kind(self) -> str:
        return RoleKind.APPROVER if self.rule is None else self.rule.approver_kind

    @property
    def authority(self) -> str:
        return AD_HOC_AUTHORITY if self.rule is None else self.rule.authority

    @property
    def level(self) -> int:
        return 0 if self.rule is None else self.rule.level

    @property
    def condition_text(self) -> str:
        return "" if self.rule is None else self.rule.condition_text

    @property
    def approver_text(self) -> str:
        return "the owner-level approver" if self.rule is None else self.rule.approver_text

    @property
    def value_text(self) -> str:
        """The value as a person reads it: "15%", "1200", a choice by its label ("Deferred");
        an ad-hoc exception's ask."""
        if self.rule is None:
            return self.ask
        spec = RULE_FIELDS.get(self.rule.field)
        if spec and spec.numeric and self.rule.field.endswith("_percent"):
            return f"{self.value}%"
        if spec and spec.numeric and self.rule.field.endswith("_days"):
            return f"{self.value} days"
        return choice_label(self.rule.field, self.value)
