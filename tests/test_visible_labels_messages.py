"""People read labels, never keys, in what the app sends them too (issue 22, point 2): on the
demo data, every kind of alert, notification and e-mail is made to happen (deadline at risk
and breached, approval requested, decided and escalated, a mention, a lost card told to the
informed role, a decision made, told, done and overdue, a check-in reminder, a shortage's
purchase card and its stock arriving), then each text, each e-mail's subject and body, and the
alerts page under every filter are searched for keys (as tests/test_visible_labels.py does
for the pages), and each e-mail names its times' zone once.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone

from goals.services.check_ins import checkins_overdue_notify
from metrics.models import AlertLevel
from metrics.services.deadlines import deadline_scan
from notifications.models import Notification
from notifications.selectors import KIND_FILTERS
from notifications.services.email import notifications_email_send
from processes.models import (
    RULE_FIELDS,
    BlockReason,
    Channel,
    ExceptionRule,
    PaymentTerms,
    Priority,
    Process,
    RequestCard,
    SLAState,
    Status,
    Transition,
)
from processes.services import card_update
from processes.services.approvals import approvals_escalate
from processes.services.comments import card_comment_add
from processes.services.transitions import card_transition
from reviews.definitions import DecisionState, ReviewState
from reviews.services.decisions import decision_done, decision_make, decisions_overdue_notify
from reviews.services.reviews import review_open
from roles.models import InformedEvent, ProcessRole, RoleKind
from stock.models import StockLine
from stock.services.movements import stock_move
from tests.test_visible_labels import keys_shown, visible_texts

pytestmark = pytest.mark.django_db

# What each kind of news is, by its sender's kind and its key: every one must have happened.
HAPPENED = {
    "deadline at risk": lambda n: n.kind == "alert" and n.data.get("level") == "at_risk",
    "deadline breached": lambda n: n.kind == "alert" and n.data.get("level") == "breached",
    "approval requested": lambda n: n.key.endswith(":requested"),
    "approval decided": lambda n: n.key.endswith(":decided"),
    "approval escalated": lambda n: n.key.endswith(":escalated"),
    "mention": lambda n: n.kind == "mention",
    "card lost, to the informed": lambda n: n.key.startswith("card-lost:"),
    "decision made": lambda n: n.key.startswith("decision-made:"),
    "decision made, to the informed": lambda n: n.key.startswith("decision-informed:"),
    "decision done": lambda n: n.key.startswith("decision-done:"),
    "decision overdue": lambda n: n.key.startswith("decision-overdue:"),
    "check-in reminder": lambda n: n.kind == "check_in",
    "purchase card opened": lambda n: n.kind == "purchase_opened",
    "stock arrived": lambda n: n.kind == "stock_filled",
}


def _keys() -> set[str]:
    """Every key a text might leak: statuses, block reasons, transitions, rule families, the
    fields rules name, and the values of the enums news is about."""
    return (
        set(Status.objects.values_list("slug", flat=True))
        | set(BlockReason.objects.values_list("slug", flat=True))
        | set(Transition.objects.values_list("name", flat=True))
        | set(ExceptionRule.objects.values_list("family", flat=True))
        | set(RULE_FIELDS)
        | set(SLAState.values)
        | set(AlertLevel.values)
        | set(InformedEvent.values)
        | set(Channel.values)
        | set(PaymentTerms.values)
        | set(Priority.values)
        | set(DecisionState.values)
        | set(Notification.objects.values_list("kind", flat=True))
    )


def _everything_happens(now):
    users = get_user_model().objects
    ops, manager = users.get(username="ops"), users.get(username="manager")
    o2c = Process.objects.get(slug="order-to-cash")
    ivy = users.create_user(
        "ivy", email="ivy@opmodel.example", first_name="Ivy", last_name="Informed"
    )
    ProcessRole.objects.create(
        process_id=o2c.pk, kind=RoleKind.INFORMED, user=ivy, informed_of=InformedEvent.values
    )
    # Deadlines: at risk at the earliest instant a card is at risk and not yet late (that card
    # is at risk, earlier ones breached), then all breached.
    risky = (
        RequestCard.objects.filter(at_risk_at__isnull=False, due_at__gt=F("at_risk_at"))
        .order_by("at_risk_at")
        .values_list("at_risk_at", flat=True)
        .first()
    )
    deadline_scan(now=risky)
    # A request left pending to escalate (the demo decides most of its own, and which stay
    # pending moves with its draws): a discount over 10% on a priced card.
    priced = RequestCard.objects.filter(process=o2c, status="priced").order_by("id").first()
    card_update(actor=ops, card=priced, changes={"discount_percent": Decimal("15")}, at=now)
    later = now + timedelta(days=60)
    deadline_scan(now=later)
    approvals_escalate(now=later)
    finals = Status.objects.filter(process=o2c, final=True).values_list("slug", flat=True)
    open_cards = RequestCard.objects.filter(process=o2c).exclude(status__in=finals).order_by("id")
    card_comment_add(actor=ops, card=open_cards[0], text="@manager can you look at it?", now=now)
    for card in open_cards[1:]:
        try:
            card_transition(actor=manager, card=card, name="mark_lost", lost_reason="Too dear")
            break
        except Exception:  # noqa: BLE001 - any card the move is open to will do
            continue
    today = timezone.localdate(now)
    for ahead in (0, 1, 2, 3):  # a day whose daily review the seed has not closed
        review = review_open(
            actor=manager, process=o2c, level="daily", held_on=today + timedelta(ahead), now=now
        )
        if review.state == ReviewState.OPEN:
            break
    decision = decision_make(
        actor=manager,
        review=review,
        text="Call the client back",
        owner=ops,
        due_on=timezone.localdate(now) + timedelta(days=3),
        now=now,
    )
    decision_done(actor=ops, decision=decision, note="Called them.", now=now)
    decisions_overdue_notify(now=later)
    checkins_overdue_notify(now=now + timedelta(days=10))
    short = StockLine.objects.filter(short__gt=0).select_related("product", "warehouse").first()
    # The arrival is told to the card's responsible.
    RequestCard.objects.filter(pk=short.card_id, responsible=None).update(responsible=ops)
    stock_move(
        actor=users.get(username="warehouse"),
        sku=short.product.sku,
        warehouse=short.warehouse.code,
        quantity=Decimal(1000),
        kind="receipt",
        reason="Delivery",
        now=now,
    )


def test_no_alert_notification_or_email_shows_a_key(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for command, options in [
        ("seed_demo", {"cards": 60}),
        ("seed_demo_stock", {}),
        ("metrics_backfill", {}),
        ("seed_demo_goals", {}),
        ("seed_demo_reviews", {}),
    ]:
        call_command(command, verbosity=0, **options)
    now = timezone.now()
    _everything_happens(now)
    everything = list(Notification.objects.select_related("user").order_by("id"))
    missing = [what for what, test in HAPPENED.items() if not any(map(test, everything))]
    assert not missing, f"never sent: {missing}"
    keys = _keys()
    assert {"awaiting_payment", "at_risk", "deferred", "payment_terms", "check_in"} <= keys

    leaks = {}
    for n in everything:
        found = keys_shown([n.text, str(n.data.get("level_label", ""))], keys)
        if found:
            leaks[f"notification {n.kind} {n.key}"] = found
    mail.outbox.clear()
    Notification.objects.update(emailed_at=None)
    notifications_email_send(notification_ids=[n.pk for n in everything], now=now)
    assert len(mail.outbox) == len({n.user_id for n in everything if n.user.email})
    for message in mail.outbox:
        lines = [message.subject, *message.body.splitlines()]
        found = keys_shown([" ".join(line.split()) for line in lines if line.strip()], keys)
        if found:
            leaks[f"e-mail to {message.to}"] = found
        # Times in the process's zone, the zone named once (the demo is in Berlin).
        named = re.findall(r"Times in Europe/Berlin \((?:CET|CEST)\)\.", message.body)
        assert len(named) <= 1 and not re.search(r"\b(?:UTC|CET|CEST)\b(?!\)\.)", message.body)
        if re.search(r"\b\d{1,2}:\d{2}\b", message.body):
            assert named, message.body
    for username in ("ops", "manager", "owner", "finance", "purchasing", "ivy"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for kind in ["", *KIND_FILTERS]:
            html = client.get("/notifications/", {"kind": kind} if kind else {}).content
            found = keys_shown(visible_texts(html.decode()), keys)
            if found:
                leaks[f"{username} /notifications/?kind={kind}"] = found
    assert not leaks, "\n".join(f"{where}: {found}" for where, found in leaks.items())
