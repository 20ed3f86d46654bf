from django.contrib import admin

from goals.models import CheckIn, CheckInReminder, Goal, KeyResult, KeyResultWeek


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0
    fields = ["process", "metric", "dimension", "kind", "target", "deadline", "baseline"]
    readonly_fields = ["baseline"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "owner", "starts_on", "ends_on", "cadence"]
    list_filter = ["state", "cadence", "processes"]
    search_fields = ["title", "why"]
    filter_horizontal = ["processes"]
    inlines = [KeyResultInline]


@admin.register(KeyResult)
class KeyResultAdmin(admin.ModelAdmin):
    list_display = ["__str__", "process", "metric", "dimension", "kind", "baseline", "target"]
    list_filter = ["kind", "metric", "process"]
    list_select_related = ["goal", "process"]


@admin.register(KeyResultWeek)
class KeyResultWeekAdmin(admin.ModelAdmin):
    list_display = ["key_result", "week", "complete", "value", "progress", "state"]
    list_filter = ["state", "complete"]
    list_select_related = ["key_result__goal"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["key_result", "author", "confidence", "created_at"]
    list_select_related = ["key_result__goal", "author"]


@admin.register(CheckInReminder)
class CheckInReminderAdmin(admin.ModelAdmin):
    list_display = ["key_result", "user", "due_at", "notified_at"]
    list_select_related = ["key_result__goal", "user"]
