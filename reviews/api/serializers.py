from rest_framework import serializers

from processes.api.serializers import MAX_ID
from reviews.definitions import Changes, DecisionState, Expected, Level, RuleKind


class DecisionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    review = serializers.IntegerField(source="review_id")
    process = serializers.CharField(source="process.slug")
    text = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    due_on = serializers.DateField()
    changes = serializers.CharField()
    rule_kind = serializers.CharField()
    rule_id = serializers.IntegerField(allow_null=True)
    metric = serializers.CharField()
    key_result = serializers.IntegerField(source="key_result_id", allow_null=True)
    expected = serializers.CharField()
    state = serializers.CharField()
    overdue = serializers.BooleanField()
    closed_at = serializers.DateTimeField(allow_null=True)
    done_on_time = serializers.BooleanField(allow_null=True)
    note = serializers.CharField()
    reason = serializers.CharField()
    version = serializers.IntegerField(
        source="version_number",
        allow_null=True,
        help_text="The process's rule version this decision carried out (a rule change), or null.",
    )
    no_version_reason = serializers.CharField(allow_blank=True)
    effect = serializers.CharField(allow_blank=True)


class ReviewOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process = serializers.CharField(source="process.slug")
    level = serializers.CharField()
    held_on = serializers.DateField()
    state = serializers.CharField()
    facilitator = serializers.CharField(source="facilitator.username", allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    no_decision = serializers.BooleanField()


class ReviewDetailSerializer(ReviewOutSerializer):
    agenda = serializers.JSONField()
    notes = serializers.JSONField()
    discussed = serializers.ListField(
        child=serializers.CharField(), help_text="Item keys ticked as discussed."
    )
    carried = serializers.JSONField()
    attendees = serializers.ListField(child=serializers.CharField())
    decisions = DecisionOutSerializer(many=True)


class ReviewFilterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    process = serializers.SlugField(required=False)
    held_on = serializers.DateField(required=False)


class ReviewInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    process = serializers.SlugField()
    held_on = serializers.DateField(required=False)


class ReviewDecisionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    owner = serializers.CharField(help_text="The owner's username.")
    due_on = serializers.DateField()
    changes = serializers.ChoiceField(choices=Changes.choices, default=Changes.ACTION)
    rule_kind = serializers.ChoiceField(choices=RuleKind.choices, required=False, default="")
    rule_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    metric = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    key_result = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    expected = serializers.ChoiceField(
        choices=Expected.choices, required=False, allow_blank=True, default=""
    )
    item_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class CloseInputSerializer(serializers.Serializer):
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    discussed = serializers.ListField(child=serializers.CharField(), required=False)
    attendees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )


class DecisionFilterSerializer(serializers.Serializer):
    owner = serializers.CharField(required=False, help_text="A username.")
    state = serializers.ChoiceField(
        choices=[*DecisionState.values, "overdue"], required=False, default="open"
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    version_number = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A decision that changes a rule: the number of the process's rule version "
        "that carried it out (GET /api/processes/{slug}/versions/).",
    )
    no_version_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="A decision that changes a rule, done without a version: why.",
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class HealthFigureSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()
    part = serializers.IntegerField()
    whole = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class HealthCheckSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()
    url = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    process = serializers.CharField()
    figures = HealthFigureSerializer(many=True)
    checklist = HealthCheckSerializer(many=True)
