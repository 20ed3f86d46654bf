from django.contrib import admin

from roles.models import ProcessRole


@admin.register(ProcessRole)
class ProcessRoleAdmin(admin.ModelAdmin):
    list_display = ["process", "kind", "authority", "user", "group", "granted_at"]
    list_filter = ["process", "kind"]
    search_fields = ["user__username", "group__name"]
    autocomplete_fields = ["user"]
