"""The API's shapes (issue 12, section 9: the names are the contract). Input serializers parse
types; the services decide what is allowed."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from goals.definitions import Cadence, GoalState, KeyResultKind
from goals.models import CheckIn, KeyResultWeek
from metrics.catalogue import in_percent, target_from_entry, value_as_shown
from opmodel.serializers import StrictCharField, StrictPrimaryKeyRelatedField

# Plain strings, checked by the services: choice fields named kind and state already exist in
# the processes API, and the schema would give their enums colliding names.
STATE_HELP = ", ".join(GoalState.values)


class KeyResultOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="kr.id")
    process = serializers.CharField(source="kr.process.slug")
    metric = serializers.CharField(source="kr.metric")
    dimension = serializers.CharField(source="kr.dimension")
    kind = serializers.CharField(source="kr.kind", help_text="target or guardrail")
    baseline = serializers.FloatField(source="kr.baseline", allow_null=True)
    baseline_weeks = serializers.JSONField(source="kr.baseline_weeks")
    current = serializers.SerializerMethodField()
    current_week = serializers.SerializerMethodField()
    in_progress = serializers.SerializerMethodField()
    target = serializers.FloatField(source="kr.target")
    deadline = serializers.DateField(source="kr.deadline", allow_null=True)
    progress = serializers.FloatField(allow_null=True)
    state = serializers.CharField()
    overdue = serializers.BooleanField()

    def get_current(self, view) -> float | None:
        return view.current.value if view.current else None

    def get_current_week(self, view) -> str | None:
        return view.current.week if view.current else None

    def get_in_progress(self, view) -> dict | None:
        row = view.in_progress
        if row is None:
            return None
        return {"week": row.week, "value": row.value, "state": row.state}

    def to_representation(self, view):
        """Values in the unit they are entered in: shares in percent, as on the pages."""
        data = super().to_representation(view)
        key = view.kr.metric
        if in_percent(key):
            for name in ("baseline", "current", "target"):
                data[name] = value_as_shown(key, data[name])
            if data["in_progress"]:
                data["in_progress"]["value"] = value_as_shown(key, data["in_progress"]["value"])
            data["baseline_weeks"] = [
                [week, value_as_shown(key, value)] for week, value in data["baseline_weeks"] or []
            ]
        return data


class GoalOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="goal.id")
    title = serializers.CharField(source="goal.title")
    why = serializers.CharField(source="goal.why")
    owner = serializers.IntegerField(source="goal.owner_id", allow_null=True)
    owner_username = serializers.SerializerMethodField()
    starts_on = serializers.DateField(source="goal.starts_on")
    ends_on = serializers.DateField(source="goal.ends_on")
    state = serializers.CharField(source="goal.state", help_text=STATE_HELP)
    health = serializers.CharField(
        allow_null=True, help_text="The worst of its key results' and its sub-goals' states."
    )
    parent = serializers.SerializerMethodField(
        help_text="The goal it serves (one the user may see); null: none."
    )
    children = serializers.SerializerMethodField(help_text="Its sub-goals the user may see.")
    company = serializers.BooleanField(
        source="is_company",
        help_text="A company goal: top-level, with sub-goals or no process of its own.",
    )
    cadence = serializers.CharField(source="goal.cadence")
    processes = serializers.SerializerMethodField()
    slogan = serializers.ListField(child=serializers.CharField())
    key_results = KeyResultOutSerializer(many=True)

    def get_parent(self, view) -> int | None:
        return view.parent[0] if view.parent else None

    def get_children(self, view) -> list[int]:
        return [pk for pk, _ in view.children]

    def get_owner_username(self, view) -> str | None:
        return view.goal.owner.get_username() if view.goal.owner else None

    def get_processes(self, view) -> list[str]:
        return [p.slug for p in view.processes]


class GoalFilterSerializer(serializers.Serializer):
    active_on = serializers.DateField(required=False)
    process = serializers.SlugField(required=False)


class GoalInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200)
    why = StrictCharField(required=False, allow_blank=True, default="")
    owner = StrictPrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    cadence = serializers.ChoiceField(
        choices=Cadence.choices, required=False, allow_blank=True, default=""
    )
    processes = serializers.ListField(child=serializers.SlugField(), required=False, default=list)
    state = StrictCharField(required=False, help_text=STATE_HELP)
    parent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The id of the goal it serves; null: none (a company goal). No cycles.",
    )


class KeyResultInputSerializer(serializers.Serializer):
    process = serializers.SlugField()
    metric = StrictCharField(max_length=50)
    dimension = StrictCharField(required=False, allow_blank=True, default="")
    kind = StrictCharField(default=KeyResultKind.TARGET, help_text="target or guardrail")
    target = serializers.FloatField(
        help_text="In the unit the metric is shown in: shares in percent (90 for 90%, 0-100)."
    )
    deadline = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        try:
            attrs["target"] = target_from_entry(attrs["metric"], attrs["target"])
        except ValueError as exc:
            raise serializers.ValidationError({"target": [str(exc)]}) from exc
        return attrs


class HistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyResultWeek
        fields = ["week", "value", "progress", "state", "complete"]

    def to_representation(self, row):
        data = super().to_representation(row)
        data["value"] = value_as_shown(self.context.get("metric", ""), data["value"])
        return data


class CheckInInputSerializer(serializers.Serializer):
    confidence = serializers.IntegerField(min_value=0, max_value=10)
    comment = StrictCharField()


class CheckInSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")

    class Meta:
        model = CheckIn
        fields = ["id", "key_result", "author", "confidence", "comment", "created_at"]


class CatalogueSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    better = serializers.ChoiceField(choices=["up", "down"])
    dimensions = serializers.ListField(child=serializers.CharField())
    dimension_kind = serializers.CharField()
    dimension_required = serializers.BooleanField()
    figure = serializers.CharField()


class ChanceQuerySerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    window_days = serializers.IntegerField(required=False, min_value=7, max_value=365)


class ChanceWindowSerializer(serializers.Serializer):
    # "from" is a Python keyword.
    locals()["from"] = serializers.DateField()
    to = serializers.DateField()


class ChanceSerializer(serializers.Serializer):
    """A key result's chance of reaching its target by the deadline, beside the owner's latest
    confidence (goals' DEFINITIONS, "Chance by the deadline")."""

    key_result = serializers.IntegerField()
    metric = serializers.CharField()
    dimension = serializers.CharField(allow_blank=True)
    target = serializers.FloatField()
    better = serializers.ChoiceField(choices=["up", "down"])
    deadline = serializers.DateField(allow_null=True)
    confidence = serializers.IntegerField(
        allow_null=True, help_text="The owner's latest check-in, 0-10; null before any."
    )
    forecast = serializers.BooleanField(help_text="Whether this key result is forecast at all.")
    probability = serializers.FloatField(
        allow_null=True, help_text="0-1; null when not forecast or the history is not enough."
    )
    trials = serializers.IntegerField()
    seed = serializers.IntegerField()
    window = ChanceWindowSerializer(allow_null=True)
    weeks = serializers.IntegerField(help_text="ISO weeks simulated, the current one included.")
    sufficient = serializers.BooleanField()
    why = serializers.CharField(allow_blank=True)
