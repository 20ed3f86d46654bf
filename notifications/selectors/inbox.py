"""Queries that read a user's inbox: one query each."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from notifications.models import Notification, NotificationPreference

# The inbox's filters by kind: {value: (label, the filter)}. An alert's level travels in its
# `data` (notifications knows no feature app; serializers.ALERT_LEVELS lists the levels).
KIND_FILTERS = {
    "at_risk": ("At risk", Q(kind="alert", data__level="at_risk")),
    "breached": ("Breached", Q(kind="alert", data__level="breached")),
    "mention": ("Mentions", Q(kind="mention")),
}


def notifications_for(
    *, user, kind: str = "", unread: bool = False, per_subject: bool = False
) -> QuerySet[Notification]:
    """The user's notifications, newest first. `kind` is one of KIND_FILTERS (others are
    ignored); `unread` keeps the unread ones; `per_subject` keeps the latest about each subject
    (a card), and every one about none."""
    rows = Notification.objects.filter(user=user)
    if per_subject:
        rows = rows.filter(Q(subject="") | ~_newer_about_the_same())
    if kind in KIND_FILTERS:
        rows = rows.filter(KIND_FILTERS[kind][1])
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


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
    """The notifications page: its lines, unread first, then newest first."""
    return (
        notification_lines(user=user, kind=kind, unread=unread)
        .alias(
            unread=Case(
                When(read_at__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-unread", "-created_at", "-id")
    )


def notifications_unread_count(*, user) -> int:
    """The unread lines of the inbox: what the header's badge counts."""
    return notification_lines(user=user, unread=True).count()


def notification_email_enabled(*, user) -> bool:
    """E-mail is on unless the user turned it off (no preference row: on)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.email_enabled if preference else True
