"""Named views: a person's saved filters of the board, the queue or the risks page."""

from django.conf import settings
from django.db import models


class SavedViewPage(models.TextChoices):
    BOARD = "board", "Board"
    QUEUE = "queue", "My queue"
    RISKS = "risks", "Risks"


class SavedView(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    page = models.CharField(max_length=10, choices=SavedViewPage.choices)
    name = models.CharField(max_length=80)
    # The page's query string as it was saved (filters and process), without the leading "?".
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page", "name"], name="saved_view_unique_name_per_page"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_page_display()})"
