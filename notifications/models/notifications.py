"""A user's inbox and how they want to hear. Knows no feature app: a notification is about a
`subject` (a string such as "card:42") and leads to a `url`; what a caller's API needs besides
the text travels in `data`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    """One entry of a user's inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, help_text='The sender\'s word for it, e.g. "alert".')
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True, help_text="Where it leads: a site path.")
    subject = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text='What it is about, e.g. "card:42": a page marks its subject\'s entries read.',
    )
    key = models.CharField(
        max_length=100,
        blank=True,
        help_text='Sent once per user and key, e.g. "alert:17"; blank: no such limit.',
    )
    data = models.JSONField(default=dict, blank=True, help_text="What the sender's API shows.")
    asks_action = models.BooleanField(
        default=False,
        help_text="Asks the user to act (an approval to decide, a decision to carry out): its "
        "own line in the inbox, never folded under later news of its subject, until acted on.",
    )
    acted_at = models.DateTimeField(
        null=True, blank=True, help_text="When what it asked for was done (by anyone)."
    )
    informational = models.BooleanField(
        default=False,
        help_text='News that asks nothing (e.g. "Approved: ..."): not counted in the badge.',
    )
    zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="The time zone its text's times are in and its page shows it in (the zone of "
        "its process's calendar, recorded by the sender); blank: the sender gave none.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # "To send": an e-mail is wanted and has not been handed to the broker yet. Written with the
    # row, cleared once the broker took the task (or the e-mail went); a broker that was down
    # leaves it set, and the sweep sends it when the broker is back.
    email_to_send = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notif_user_read"),
            models.Index(
                fields=["created_at"], condition=Q(email_to_send=True), name="notif_email_to_send"
            ),
        ]
        constraints = [
            # Whoever writes (a task delivered twice, two workers), a key reaches a user once.
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"To {self.user_id}: {self.text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def awaits_action(self) -> bool:
        return self.asks_action and self.acted_at is None


class NotificationPreference(models.Model):
    """How a user wants to hear. No row means the defaults (e-mail on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(
        default=True, help_text="Also send alerts by e-mail (the in-app list always has them)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: e-mail {'on' if self.email_enabled else 'off'}"
