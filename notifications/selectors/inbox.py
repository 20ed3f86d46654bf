"""Queries that read a user's inbox: one query each."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from notifications.models import Notification, NotificationPreference

# The inbox's filters by kind: {value: (label, the filter)}, by the senders' words for their
# news (notifications knows no feature app). An alert's level travels in its `data`
# (serializers.ALERT_LEVELS lists the levels). "Deadlines": alerts and overdue reminders.
_NEWS = Q(informational=False)
KIND_FILTERS = {
    "approval": ("Approvals", _NEWS & Q(kind="approval")),
    "decision": ("Decisions", _NEWS & Q(kind="decision")),
    "mention": ("Mentions", Q(kind="mention")),
    "deadline": ("Deadlines", _NEWS & Q(kind__in=["alert", "check_in"])),
    "at_risk": ("At risk", Q(kind="alert", data__level="at_risk")),
    "breached": ("Breached", Q(kind="alert", data__level="breached")),
    "informational": ("For information", Q(informational=True)),
}


def notifications_for(
    *, user, kind: str = "", unread: bool = False, per_subject: bool = False
) -> QuerySet[Notification]:
    """The user's notifications, newest first. `kind` is one of KIND_FILTERS (others are
    ignored); `unread` keeps the unread ones; `per_subject` keeps the latest about each subject
    (a card), every one about none, and every one still awaiting action: a later mention on a
    card does not hide its approval request."""
    rows = Notification.objects.filter(user=user)
    if per_subject:
        rows = rows.filter(Q(subject="") | AWAITS_ACTION | ~_newer_about_the_same())
    if kind in KIND_FILTERS:
        rows = rows.filter(KIND_FILTERS[kind][1])
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


AWAITS_ACTION = Q(asks_action=True, acted_at__isnull=True)


def _newer_about_the_same() -> Exists:
    return Exists(
        Notification.objects.filter(user=OuterRef("user"), subject=OuterRef("subject")).filter(
            Q(created_at__gt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
        )
    )


def notification_lines(*, user, kind: str = "", unread: bool = False) -> QuerySet[Notification]:
    """The user's inbox as lines, newest first: one line per subject (a card), its latest
    notification, so a card that went from at risk to breached reads once, as breached; a
    notification about no subject is a line of its own. Filtered as `notifications_for`."""
    return notifications_for(user=user, kind=kind, unread=unread, per_subject=True)


def notifications_inbox(*, user, kind: str = "", unread: bool = False) -> QuerySet[Notification]:
    """The notifications page: its lines, those awaiting action first, then unread, then
    newest first."""
    return (
        notification_lines(user=user, kind=kind, unread=unread)
        .alias(
            waiting=Case(When(AWAITS_ACTION, then=Value(1)), default=Value(0)),
            unread=Case(
                When(read_at__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-waiting", "-unread", "-created_at", "-id")
    )


def notifications_unread_count(*, user) -> int:
    """The unread lines of the inbox that are not for information only: what the header's
    badge counts ("Approved: ..." news does not push it up)."""
    return notification_lines(user=user, unread=True).filter(informational=False).count()


def notification_email_enabled(*, user) -> bool:
    """E-mail is on unless the user turned it off (no preference row: on)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.email_enabled if preference else True
