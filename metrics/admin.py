from django.contrib import admin

from metrics.models import Alert, WeeklySnapshot, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts are raised by the deadline scan only: read here, never written."""

    list_display = ["card", "level", "status", "visit", "due_at", "raised_at", "notified_at"]
    list_filter = ["level", "status"]
    list_select_related = ["card"]
    search_fields = ["card__title", "=card__id"]
    date_hierarchy = "raised_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WeeklySnapshot)
class WeeklySnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are written by the workers and `metrics_backfill`."""

    list_display = ["process", "week", "complete", "as_of", "computed_at"]
    list_filter = ["process", "complete"]
    readonly_fields = [f.name for f in WeeklySnapshot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
