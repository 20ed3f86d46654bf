"""The shape of a process document (processes/blueprints) for the schema: GET
/api/processes/{slug}/definition/ answers one, POST /api/processes/ takes one, and a version
carries none (its words only). Parts owned by apps above (the rhythm) are described by the
serializer their registration gives (processes/blueprints/sections.py)."""

from rest_framework import serializers

from processes.api.rules import CalendarRuleSerializer
from processes.blueprints.sections import DOCUMENT_SECTIONS
from processes.models import Operator, Priority, StageAssignment
from processes.models.approvals import RULE_FIELDS
from roles.models import RoleKind


class HolidayDocSerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField()


class CalendarDocSerializer(CalendarRuleSerializer):
    """The calendar as the rules of the game show it, and what a document carries besides."""

    holiday_subdivision = serializers.CharField(allow_blank=True)
    holidays = HolidayDocSerializer(many=True)


class StatusDocSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    next_action = serializers.CharField(allow_blank=True)
    final = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=["", "won", "lost"], allow_blank=True)
    commitment_point = serializers.BooleanField()
    waiting_on_customer = serializers.BooleanField()
    deadline_source = serializers.CharField(allow_blank=True)
    stage_group = serializers.CharField(allow_null=True, help_text="A group's name, or null.")
    stage_assignment = serializers.ChoiceField(choices=StageAssignment.choices)


class TransitionDocSerializer(serializers.Serializer):
    name = serializers.SlugField()
    label = serializers.CharField()
    locals()["from"] = serializers.ListField(child=serializers.SlugField())  # a Python keyword
    to = serializers.SlugField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=RoleKind.choices))
    conditions = serializers.ListField(child=serializers.CharField())
    effects = serializers.ListField(child=serializers.CharField())


class GroupRoleDocSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RoleKind.choices)
    group = serializers.CharField()
    authority = serializers.CharField(allow_blank=True)


class ClockDocSerializer(serializers.Serializer):
    status = serializers.SlugField()
    # A pattern, not an enum: the set differs from the cards' priorities by "any", and an enum
    # of the same field name would collide with theirs in the schema's components.
    priority = serializers.RegexField(
        "^(" + "|".join(["any", *Priority.values]) + ")$",
        help_text="The card priority it is for: any, " + ", ".join(Priority.values) + ".",
    )
    allowance_minutes = serializers.IntegerField(min_value=1)
    at_risk_percent = serializers.IntegerField(min_value=1, max_value=99)


class ExceptionRuleDocSerializer(serializers.Serializer):
    family = serializers.SlugField()
    level = serializers.IntegerField(min_value=1)
    name = serializers.CharField()
    field = serializers.ChoiceField(choices=list(RULE_FIELDS))
    operator = serializers.ChoiceField(choices=Operator.choices)
    threshold = serializers.CharField()
    approver = serializers.ChoiceField(choices=RoleKind.choices)
    authority = serializers.CharField(allow_blank=True)
    guards = serializers.SlugField()
    decision_sla_hours = serializers.IntegerField(min_value=1)
    active = serializers.BooleanField()


class BlockReasonDocSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


def _document_serializer():
    fields = {
        "format_version": serializers.IntegerField(),
        "description": serializers.CharField(allow_blank=True),
        "input": serializers.CharField(allow_blank=True),
        "output": serializers.CharField(allow_blank=True),
        "documents_when_finished": serializers.BooleanField(),
        "calendar": CalendarDocSerializer(
            allow_null=True, help_text="Null: the standard office hours of the installation."
        ),
        "statuses": StatusDocSerializer(many=True),
        "transitions": TransitionDocSerializer(many=True),
        "roles": GroupRoleDocSerializer(many=True),
        "sla": ClockDocSerializer(many=True),
        "targets": ClockDocSerializer(many=True),
        "exception_rules": ExceptionRuleDocSerializer(many=True),
        "block_reasons": BlockReasonDocSerializer(many=True),
    }
    for name, section in sorted(DOCUMENT_SECTIONS.items()):
        fields[name] = section.schema() if section.schema else serializers.JSONField()
    return type("ProcessDocumentSerializer", (serializers.Serializer,), fields)


ProcessDocumentSerializer = _document_serializer()


class ProcessCreateSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=120)
    definition = serializers.JSONField(help_text="A process document, as the definition gives.")


class ProblemsSerializer(serializers.Serializer):
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Every problem of the input, in words."
    )


class DefinitionWrittenSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        allow_null=True, help_text="The rule version the change became; null: nothing changed."
    )
    changes = serializers.ListField(child=serializers.CharField(), help_text="In words.")


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True, help_text="A username; null: nobody recorded.")
    changes = serializers.ListField(child=serializers.CharField())
    decision = serializers.IntegerField(
        allow_null=True, help_text="The review decision this version carried out, or null."
    )
