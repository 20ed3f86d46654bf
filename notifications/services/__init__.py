"""Actions of the notifications app: `notifications` (delivery and the inbox's actions; its names
are re-exported here) and `email` (the e-mails, sent by a worker)."""

from notifications.services.notifications import (
    Message,
    email_queue,
    notification_mark_read,
    notification_preference_set,
    notifications_mark_all_read,
    notifications_mark_subject_read,
    notifications_resolve,
    notify,
    notify_many,
)

__all__ = [
    "Message",
    "email_queue",
    "notification_mark_read",
    "notification_preference_set",
    "notifications_mark_all_read",
    "notifications_mark_subject_read",
    "notifications_resolve",
    "notify",
    "notify_many",
]
