from django import forms
from django.contrib import admin
from django.contrib.admin.checks import InlineModelAdminChecks
from django.db.models import OuterRef, Subquery

from processes.conditions import condition_choices
from processes.effects import effect_choices
from processes.models import (
    ApprovalRequest,
    BlockReason,
    BusinessCalendar,
    Client,
    Document,
    Event,
    ExceptionRule,
    Holiday,
    LineItem,
    Priority,
    Process,
    ProcessTarget,
    RequestCard,
    SLAPolicy,
    StageAssignment,
    Status,
    Transition,
)
from processes.models.calendars import WEEKDAYS
from processes.services import document_remove
from roles.models import InformedEvent, ProcessRole, RoleKind


class TransitionForm(forms.ModelForm):
    allowed_roles = forms.MultipleChoiceField(
        choices=RoleKind.choices, widget=forms.CheckboxSelectMultiple
    )
    # Callables: apps above processes register their conditions and effects at start-up.
    conditions = forms.MultipleChoiceField(
        choices=condition_choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    effects = forms.MultipleChoiceField(
        choices=effect_choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Transition
        fields = [
            "process",
            "name",
            "label",
            "sources",
            "target",
            "allowed_roles",
            "conditions",
            "effects",
            "order",
        ]

    def clean(self):
        cleaned = super().clean()
        process = cleaned.get("process")
        for status in cleaned.get("sources") or []:
            if process and status.process_id != process.pk:
                self.add_error("sources", f"{status} belongs to another process.")
        return cleaned


class StatusFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # Each row is checked against the saved ones; two rows ticked in one save are not.
        ticked = [
            f
            for f in self.forms
            if f.cleaned_data.get("commitment_point") and not f.cleaned_data.get("DELETE")
        ]
        if len(ticked) > 1:
            raise forms.ValidationError("A process has one commitment point at most.")


STATUS_FIELDS = [
    "order",
    "slug",
    "name",
    "final",
    "outcome",
    "commitment_point",
    "waiting_on_customer",
    "deadline_source",
    "next_action",
    # The stage role (docs/design.md, "Handoffs by stage"): Status.clean() asks that the group
    # hold a role in the process.
    "stage_group",
    "stage_assignment",
]


class StatusForm(forms.ModelForm):
    """A status row: its stage rule may be left out (rows posted without it wait in the queue,
    the default)."""

    class Meta:
        model = Status
        fields = STATUS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "stage_assignment" in self.fields:
            self.fields["stage_assignment"].required = False

    def clean_stage_assignment(self):
        return self.cleaned_data.get("stage_assignment") or StageAssignment.QUEUE


class StatusInline(admin.TabularInline):
    model = Status
    form = StatusForm
    formset = StatusFormSet
    extra = 1
    fields = STATUS_FIELDS


class BlockReasonInline(admin.TabularInline):
    model = BlockReason
    extra = 1
    fields = ["order", "slug", "name"]


# Role grants ----------------------------------------------------------------------------------
# A grant names its process by id (roles sits below processes and names none of its models:
# docs/design.md, "Decisions"), so grants are edited here, where processes are known: on the
# process's page, as an inline, and on their own list, with the process chosen by name.


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
class ProcessRoleAdmin(admin.ModelAdmin):
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


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StatusInline, BlockReasonInline, RoleInline]


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    form = TransitionForm
    list_display = ["process", "name", "label", "target", "order"]
    list_filter = ["process"]
    filter_horizontal = ["sources"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class LineItemInline(admin.TabularInline):
    model = LineItem
    extra = 0
    readonly_fields = ["product", "quantity", "unit_price", "unit_cost"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RequestCard)
class RequestCardAdmin(admin.ModelAdmin):
    """Read-only: cards change through the transition service, which keeps the history."""

    list_display = ["id", "title", "process", "status", "client", "responsible", "is_blocked"]
    list_filter = ["process", "status", "is_blocked", "priority", "channel"]
    search_fields = ["title", "client__name"]
    inlines = [LineItemInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["at", "card", "kind", "from_status", "to_status", "actor"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["name", "card", "uploaded_by", "uploaded_at"]

    def has_change_permission(self, request, obj=None):
        return False

    # Removing a document is part of the card's history: each delete goes through the service,
    # which records who removed which file.
    def delete_model(self, request, obj):
        document_remove(actor=request.user, document=obj)

    def delete_queryset(self, request, queryset):
        for document in queryset.select_related("card"):
            document_remove(actor=request.user, document=document)


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1
    fields = ["date", "name"]


class BusinessCalendarForm(forms.ModelForm):
    working_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = BusinessCalendar
        fields = [
            "name",
            "timezone",
            "working_days",
            "day_start",
            "day_end",
            "holiday_country",
            "holiday_subdivision",
        ]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    """Public holidays come from the country; the inline adds the calendar's own days off."""

    form = BusinessCalendarForm
    list_display = ["name", "timezone", "day_start", "day_end", "holiday_country"]
    search_fields = ["name"]
    inlines = [HolidayInline]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = ["process", "status", "priority", "allowance_minutes", "at_risk_percent"]
    list_filter = ["process"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "priority":
            kwargs["widget"] = forms.Select(choices=[("", "Any priority"), *Priority.choices])
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ProcessTarget)
class ProcessTargetAdmin(admin.ModelAdmin):
    list_display = ["process", "target_status", "priority", "allowance_minutes", "at_risk_percent"]
    list_filter = ["process"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "priority":
            kwargs["widget"] = forms.Select(choices=[("", "Any priority"), *Priority.choices])
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ExceptionRule)
class ExceptionRuleAdmin(admin.ModelAdmin):
    """Exception rules are data: a new rule works on the next change of a card, no code."""

    list_display = [
        "process",
        "family",
        "level",
        "name",
        "condition_text",
        "approver_kind",
        "authority",
        "guards",
        "decision_sla_hours",
        "is_active",
    ]
    list_filter = ["process", "family", "is_active"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "guards":
            kwargs["queryset"] = Transition.objects.select_related("process")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are made by card changes and decided in the inbox or the API."""

    list_display = ["id", "card", "rule", "value", "status", "requested_by", "decided_by"]
    list_filter = ["status", "family"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
