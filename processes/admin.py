from django import forms
from django.contrib import admin
from django.db import transaction

from opmodel.errors import InvalidInput
from processes.admin_grants import RoleInline
from processes.conditions import condition_choices
from processes.effects import effect_choices
from processes.models import (
    ApprovalRequest,
    BlockReason,
    BusinessCalendar,
    Client,
    ClientSegment,
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
from processes.services.clients import check_account_manager, client_segment_changed
from processes.versions import VersionedAdmin
from roles.models import RoleKind


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


@admin.register(Process)
class ProcessAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "owner", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StatusInline, BlockReasonInline, RoleInline]


@admin.register(Transition)
class TransitionAdmin(VersionedAdmin, admin.ModelAdmin):
    form = TransitionForm
    list_display = ["process", "name", "label", "target", "order"]
    list_filter = ["process"]
    filter_horizontal = ["sources"]


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "segment", "account_manager"]

    def clean_account_manager(self):
        manager = self.cleaned_data.get("account_manager")
        try:
            check_account_manager(manager)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.errors["account_manager"]) from exc
        return manager


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientForm
    list_display = ["name", "segment", "account_manager"]
    list_filter = ["segment"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        # The segment's change goes into the client's history, as client_update records it.
        old_segment_id = form.initial.get("segment") if change else obj.segment_id
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            client_segment_changed(client=obj, old_segment_id=old_segment_id, actor=request.user)


@admin.register(ClientSegment)
class ClientSegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "order_interval_days"]


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
class BusinessCalendarAdmin(VersionedAdmin, admin.ModelAdmin):
    """Public holidays come from the country; the inline adds the calendar's own days off."""

    form = BusinessCalendarForm
    list_display = ["name", "timezone", "day_start", "day_end", "holiday_country"]
    search_fields = ["name"]
    inlines = [HolidayInline]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ["process", "status", "priority", "allowance_minutes", "at_risk_percent"]
    list_filter = ["process"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "priority":
            kwargs["widget"] = forms.Select(choices=[("", "Any priority"), *Priority.choices])
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ProcessTarget)
class ProcessTargetAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ["process", "target_status", "priority", "allowance_minutes", "at_risk_percent"]
    list_filter = ["process"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "priority":
            kwargs["widget"] = forms.Select(choices=[("", "Any priority"), *Priority.choices])
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ExceptionRule)
class ExceptionRuleAdmin(VersionedAdmin, admin.ModelAdmin):
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

    list_display = ["id", "card", "rule", "value", "ask", "status", "requested_by", "decided_by"]
    list_filter = ["status", "family"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
