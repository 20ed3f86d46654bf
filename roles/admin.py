from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from knox.models import get_token_model

from roles.people import DEACTIVATE_INSTEAD, people_in_history

# Grants are edited in processes/admin.py: a grant names its process by id, and only processes
# (above roles) knows processes by name.


# People ------------------------------------------------------------------------------------------

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """Django's user admin, except that people named in the history are deactivated instead of
    deleted (roles/people.py): the delete page and the bulk delete refuse and say why."""

    actions = ["deactivate_selected"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                PersonAdmin.delete_selected_people,
                "delete_selected",
                actions["delete_selected"][2],
            )
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        if object_id and object_id.isdigit() and people_in_history([int(object_id)]):
            self.message_user(request, DEACTIVATE_INSTEAD, level=messages.ERROR)
            return redirect(reverse("admin:auth_user_change", args=[object_id]))
        return super().delete_view(request, object_id, extra_context)

    def delete_selected_people(self, request, queryset):
        named = people_in_history(queryset.values_list("pk", flat=True))
        if named:
            names = ", ".join(
                sorted(User.objects.filter(pk__in=named).values_list("username", flat=True))
            )
            self.message_user(
                request, f"Not deleted: {names}. {DEACTIVATE_INSTEAD}", messages.ERROR
            )
            return None
        return delete_selected(self, request, queryset)

    @admin.action(description="Deactivate selected people (they can no longer log in)")
    def deactivate_selected(self, request, queryset):
        with transaction.atomic():
            ids = list(queryset.filter(is_active=True).values_list("pk", flat=True))
            count = get_user_model().objects.filter(pk__in=ids).update(is_active=False)
            # An update sends no save signal: their API tokens are revoked here (roles.signals).
            get_token_model().objects.filter(user_id__in=ids).delete()
        self.message_user(
            request,
            f"{count} {'person' if count == 1 else 'people'} deactivated.",
            messages.SUCCESS,
        )
