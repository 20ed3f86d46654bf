"""The admin of process role grants: a process's roles inline on its page, and the grants
list (processes owns the grants' admin: roles sits below processes and keeps no relation to
it, docs/design.md)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.checks import InlineModelAdminChecks
from django.db.models import OuterRef, Subquery

from processes.models import Process
from processes.versions import VersionedAdmin
from roles.models import InformedEvent, ProcessRole


class RoleGrantFormSet(forms.BaseModelFormSet):
    """The process's grants on its page: what an inline formset does along a ForeignKey, done
    with the id: it lists the process's grants and gives new ones the process's id once the
    process is saved (the admin saves it before its inlines)."""

    def __init__(self, data=None, files=None, instance=None, save_as_new=False, **kwargs):
        self.instance = instance
        kwargs["queryset"] = ProcessRole.objects.filter(
            process_id=instance.pk if instance is not None and instance.pk else None
        )
        super().__init__(data, files, **kwargs)

    @classmethod
    def get_default_prefix(cls) -> str:
        return "role_grants"

    def clean(self):
        # Every grant of the process is a form here, so a role held twice shows up as two forms
        # (the database's unique constraints would refuse it with an error page).
        super().clean()
        held = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            key = (data.get("kind"), data.get("user"), data.get("group"))
            if key in held:
                raise forms.ValidationError("Each person or group holds a role once.")
            held.add(key)

    def save_new(self, form, commit=True):
        form.instance.process_id = self.instance.pk
        return super().save_new(form, commit=commit)


class RoleInlineChecks(InlineModelAdminChecks):
    # Django's check wants a ForeignKey to the parent; RoleGrantFormSet stands in for it (as
    # contenttypes' generic inlines do for theirs).
    def _check_relation(self, obj, parent_model):
        return []


class RoleInline(admin.TabularInline):
    model = ProcessRole
    extra = 1
    fields = ["kind", "authority", "user", "group"]
    checks_class = RoleInlineChecks

    def get_formset(self, request, obj=None, **kwargs):
        may_add = self.has_add_permission(request, obj)
        return forms.modelformset_factory(
            ProcessRole,
            formset=RoleGrantFormSet,
            fields=self.fields,
            extra=self.get_extra(request, obj) if may_add else 0,
            can_delete=self.can_delete and self.has_delete_permission(request, obj),
        )


class RoleGrantForm(forms.ModelForm):
    """A grant on its own page: the process picked by name, stored as its id (so the unique
    constraints are checked with the process, as a ForeignKey's would be)."""

    process_id = forms.ModelChoiceField(Process.objects.order_by("name"), label="Process")
    # Ticked by name rather than typed as a JSON list.
    informed_of = forms.MultipleChoiceField(
        choices=InformedEvent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Informed grants: what this grant is told of. Other kinds ignore it.",
    )

    class Meta:
        model = ProcessRole
        fields = ["process_id", "kind", "authority", "user", "group", "informed_of"]

    def clean_process_id(self) -> int:
        return self.cleaned_data["process_id"].pk


@admin.register(ProcessRole)
class ProcessRoleAdmin(VersionedAdmin, admin.ModelAdmin):
    form = RoleGrantForm
    list_display = ["process_name", "kind", "authority", "user", "group", "granted_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "group__name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        names = Process.objects.filter(pk=OuterRef("process_id")).values("name")
        return super().get_queryset(request).annotate(process_name=Subquery(names))

    @admin.display(description="Process", ordering="process_name")
    def process_name(self, grant) -> str:
        return grant.process_name
