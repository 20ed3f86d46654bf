from django.contrib import admin

from roles.models import NotificationPreference, ProcessRole


@admin.register(ProcessRole)
class ProcessRoleAdmin(admin.ModelAdmin):
    list_display = ["process", "kind", "authority", "user", "group", "granted_at"]
    list_filter = ["process", "kind"]
    search_fields = ["user__username", "group__name"]
    autocomplete_fields = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled", "updated_at"]
    list_filter = ["email_enabled"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
