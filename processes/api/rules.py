"""The shape of GET /api/processes/{slug}/rules/ (processes/rules.py), field by field, so that
the schema says exactly what the answer holds."""

from rest_framework import serializers

from processes.models import Priority
from roles.models import RoleKind

# The review levels of the rhythm (goals' Cadence, which processes may not import).
RHYTHM_LEVELS = ["daily", "weekly", "monthly"]


class SLAPolicyRuleSerializer(serializers.Serializer):
    priority = serializers.CharField(
        help_text="The card priority the policy is for: " + ", ".join(Priority.values) + " or any."
    )
    allowance_business_hours = serializers.FloatField()
    at_risk_percent = serializers.IntegerField()
    at_risk_after_business_hours = serializers.FloatField()


class StatusRuleSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    next_action = serializers.CharField(allow_blank=True)
    final = serializers.BooleanField()
    waiting_on_customer = serializers.BooleanField()
    sla = SLAPolicyRuleSerializer(many=True)


class ConditionRuleSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()


class TransitionRuleSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    locals()["from"] = serializers.ListField(child=serializers.SlugField())  # a Python keyword
    to = serializers.SlugField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=RoleKind.choices))
    conditions = ConditionRuleSerializer(many=True)
    approvals = serializers.ListField(child=serializers.CharField())


class ExceptionRuleRuleSerializer(serializers.Serializer):
    name = serializers.CharField()
    field = serializers.CharField()
    operator = serializers.CharField()
    threshold = serializers.CharField()
    level = serializers.IntegerField()
    approver = serializers.ChoiceField(choices=RoleKind.choices)
    authority = serializers.CharField(allow_blank=True)
    guards = serializers.CharField()
    decide_within_business_hours = serializers.IntegerField()


class BlockReasonRuleSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CalendarRuleSerializer(serializers.Serializer):
    name = serializers.CharField()
    timezone = serializers.CharField()
    working_days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=7))
    day_start = serializers.CharField(help_text="Local time, HH:MM.")
    day_end = serializers.CharField(help_text="Local time, HH:MM.")
    holiday_country = serializers.CharField(allow_blank=True)


class RhythmRuleSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=RHYTHM_LEVELS)
    when = serializers.CharField(help_text='In words, e.g. "Mondays at 10:00".')
    time_of_day = serializers.CharField(help_text="Local time on the calendar, HH:MM.")
    weekday = serializers.IntegerField(
        allow_null=True, help_text="Weekly and monthly: ISO weekday, 1 is Monday."
    )
    nth = serializers.IntegerField(allow_null=True, help_text="Monthly: the n-th weekday (1-4).")
    duration_minutes = serializers.IntegerField()
    facilitator_role = serializers.ChoiceField(choices=RoleKind.choices)
    facilitators = serializers.ListField(
        child=serializers.CharField(), help_text="Usernames holding the facilitator role."
    )


class ProcessRulesSerializer(serializers.Serializer):
    process = serializers.SlugField()
    statuses = StatusRuleSerializer(many=True)
    transitions = TransitionRuleSerializer(many=True)
    exception_rules = ExceptionRuleRuleSerializer(many=True)
    block_reasons = BlockReasonRuleSerializer(many=True)
    calendar = CalendarRuleSerializer()
    rhythm = RhythmRuleSerializer(many=True)
