from django.utils.functional import SimpleLazyObject

from notifications.selectors import notifications_unread_count


def alerts(request) -> dict:
    """The unread count of the header's Alerts link: one query, and only when a page shows it
    to a signed-in user (the admin and API pages never ask)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alerts_unread": SimpleLazyObject(lambda: notifications_unread_count(user=user))}
