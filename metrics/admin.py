from django.contrib import admin

from metrics.models import Alert, Notification, WeeklySnapshot, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]


class NotificationInline(admin.TabularInline):
    model = Notification
    fields = ["user", "text", "created_at", "read_at", "emailed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts are raised by the deadline scan only: read here, never written."""

    list_display = ["card", "level", "status", "visit", "due_at", "raised_at", "notified_at"]
    list_filter = ["level", "status"]
    list_select_related = ["card"]
    search_fields = ["card__title", "=card__id"]
    date_hierarchy = "raised_at"
    inlines = [NotificationInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at", "emailed_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "text"]
    raw_id_fields = ["user", "alert", "card"]

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
