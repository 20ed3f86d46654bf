"""Queries that read a user's inbox: one query each."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from notifications.models import Notification, NotificationPreference


def notifications_for(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notifications_inbox(*, user) -> QuerySet[Notification]:
    """The notifications page: unread first, then newest first."""
    return (
        notifications_for(user=user)
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
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_email_enabled(*, user) -> bool:
    """E-mail is on unless the user turned it off (no preference row: on)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.email_enabled if preference else True
