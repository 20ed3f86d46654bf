"""The designer's forms, one per kind of row of a definition. They read and shape the input
(field errors for what one field can tell: a missing name, a slug taken in this process, a
number out of range); whether the definition they leave holds together is checked afterwards,
as an import is (designer/services.py), so those rules live in one place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib.auth.models import Group

from processes.conditions import CONDITIONS
from processes.deadlines import deadline_source_choices
from processes.effects import EFFECTS
from processes.models import (
    BlockReason,
    ExceptionRule,
    Priority,
    SLAPolicy,
    Status,
    Transition,
)
from roles.models import ProcessRole, RoleKind


class StatusChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class StatusesChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class TransitionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class DesignForm(forms.ModelForm):
    """A form on one row of `process`; `unique_in_process` names the fields whose values no
    other row of the process may hold."""

    unique_in_process: tuple[str, ...] = ()
    # The key other rows and the cards' history name it by (a card's status, an event's move):
    # given when the row is made, fixed afterwards (its name or label is what people read).
    key: str | None = None

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        self.instance.process = process
        if self.key and self.instance.pk:
            self.fields[self.key].disabled = True
            self.fields[self.key].help_text = "Fixed once made: cards and their history name it."

    def clean(self):
        cleaned = super().clean()
        if self.unique_in_process and all(f in cleaned for f in self.unique_in_process):
            taken = type(self.instance).objects.filter(
                process=self.process, **{f: cleaned[f] for f in self.unique_in_process}
            )
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                field = self.unique_in_process[-1]
                self.add_error(field, "Another row of this process already has it.")
        return cleaned

    def validate_unique(self):
        # Uniqueness within the process is checked in clean() (the process is not a field).
        pass


class StatusForm(DesignForm):
    unique_in_process = ("slug",)
    key = "slug"

    class Meta:
        model = Status
        fields = [
            "name",
            "slug",
            "next_action",
            "order",
            "final",
            "outcome",
            "commitment_point",
            "waiting_on_customer",
            "deadline_source",
            "stage_group",
            "stage_assignment",
        ]
        labels = {"stage_group": "Stage role (group)", "order": "Position"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline_source"] = forms.ChoiceField(
            choices=[("", "The SLA policy"), *deadline_source_choices()],
            required=False,
            label="Deadline from",
        )
        granted = ProcessRole.objects.filter(process_id=self.process.pk, group__isnull=False)
        self.fields["stage_group"].queryset = Group.objects.filter(
            pk__in=granted.values("group_id")
        ).order_by("name")
        self.fields[
            "stage_group"
        ].help_text = (
            "A group holding a role in this process; entering the status hands the card to it."
        )


def _names_field(label: str, known) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=label,
        help_text="Names separated by commas; known: "
        + ("; ".join(f"{name} ({item.label})" for name, item in known.items()) or "none")
        + ".",
    )


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


class TransitionForm(DesignForm):
    unique_in_process = ("name",)
    key = "name"
    sources = StatusesChoice(queryset=Status.objects.none(), label="From")
    allowed_roles = forms.MultipleChoiceField(
        choices=RoleKind.choices, label="Who may make the move"
    )

    class Meta:
        model = Transition
        fields = ["label", "name", "sources", "target", "allowed_roles", "order"]
        labels = {"target": "To", "name": "Name (in the API)", "order": "Position"}
        field_classes = {"target": StatusChoice}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = Status.objects.filter(process=self.process).order_by("order", "id")
        self.fields["sources"].queryset = statuses
        self.fields["target"].queryset = statuses
        self.fields["conditions_text"] = _names_field("Conditions", CONDITIONS)
        self.fields["effects_text"] = _names_field("Effects", EFFECTS)
        if self.instance.pk:
            self.initial["conditions_text"] = ", ".join(self.instance.conditions)
            self.initial["effects_text"] = ", ".join(self.instance.effects)

    def save(self, commit=True):
        # Unknown names are kept as given: the check after the change names each one in the
        # import's words ("the app knows no condition 'x'") and refuses the whole change.
        self.instance.conditions = _names(self.cleaned_data["conditions_text"])
        self.instance.effects = _names(self.cleaned_data["effects_text"])
        return super().save(commit)


class SLAPolicyForm(DesignForm):
    unique_in_process = ("status", "priority")
    field_order = ["status", "priority", "hours", "at_risk_percent"]
    hours = forms.DecimalField(
        min_value=Decimal("0.25"),
        max_value=Decimal(100_000),
        decimal_places=2,
        label="Allowance (business hours)",
    )
    priority = forms.ChoiceField(
        choices=[("", "Any priority"), *Priority.choices], required=False, label="For"
    )

    class Meta:
        model = SLAPolicy
        fields = ["status", "priority", "at_risk_percent"]
        labels = {"at_risk_percent": "At risk at (% of the allowance used)"}
        field_classes = {"status": StatusChoice}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = Status.objects.filter(process=self.process).order_by(
            "order", "id"
        )
        if self.instance.pk:
            self.initial["hours"] = Decimal(self.instance.allowance_minutes) / 60

    def save(self, commit=True):
        minutes = (self.cleaned_data["hours"] * 60).quantize(Decimal(1), ROUND_HALF_UP)
        self.instance.allowance_minutes = int(minutes)
        return super().save(commit)

    def _post_clean(self):
        if "hours" in self.cleaned_data:
            self.instance.allowance_minutes = max(1, int(self.cleaned_data["hours"] * 60))
        super()._post_clean()


class BlockReasonForm(DesignForm):
    unique_in_process = ("slug",)
    key = "slug"

    class Meta:
        model = BlockReason
        fields = ["name", "slug", "order"]
        labels = {"order": "Position"}


class ExceptionRuleForm(DesignForm):
    unique_in_process = ("family", "level")

    class Meta:
        model = ExceptionRule
        fields = [
            "name",
            "family",
            "level",
            "field",
            "operator",
            "threshold",
            "guards",
            "approver_kind",
            "authority",
            "decision_sla_hours",
            "is_active",
        ]
        labels = {"guards": "Holds back the move", "approver_kind": "Approver"}
        field_classes = {"guards": TransitionChoice}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guards"].queryset = Transition.objects.filter(process=self.process).order_by(
            "order", "id"
        )
