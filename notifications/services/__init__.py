"""Actions of the notifications app: `notifications` (delivery and the inbox's actions; its names
are re-exported here) and `email` (the e-mails, sent by a worker)."""

from notifications.services.notifications import (
    EMAIL_QUEUE_GRACE,
    Message,
    email_queue,
    emails_never_queued_send,
    emails_withheld,
    notification_mark_read,
    notification_preference_set,
    notifications_acted,
    notifications_mark_all_read,
    notifications_mark_subject_read,
    notifications_resolve,
    notifications_resolving,
    notify,
    notify_many,
)

__all__ = [
    "EMAIL_QUEUE_GRACE",
    "Message",
    "email_queue",
    "emails_never_queued_send",
    "emails_withheld",
    "notification_mark_read",
    "notification_preference_set",
    "notifications_acted",
    "notifications_mark_all_read",
    "notifications_mark_subject_read",
    "notifications_resolve",
    "notifications_resolving",
    "notify",
    "notify_many",
]
