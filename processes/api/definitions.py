"""The API's shapes of a process's definition: its statuses, transitions, participants and the
process itself (GET /api/processes/)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from processes.models import Process, Status, StatusOutcome, Transition


class StatusSerializer(serializers.ModelSerializer):
    """A status with what it means for the figures, so that a recount from the public history
    needs no guesswork: which final statuses are won and lost, and where cards are agreed."""

    outcome = serializers.ChoiceField(
        choices=StatusOutcome.choices,
        allow_null=True,
        read_only=True,
        help_text="For a final status: a card finished here is won or lost (win rate, "
        "throughput split). Null for other statuses.",
    )
    commitment_point = serializers.BooleanField(
        read_only=True,
        help_text="A card entering this status is agreed: margin and discount are measured on "
        "its first entry in the week. At most one status per process.",
    )

    class Meta:
        model = Status
        fields = ["slug", "name", "final", "outcome", "commitment_point"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["outcome"] = instance.outcome or None
        return data


class TransitionDefinitionSerializer(serializers.ModelSerializer):
    sources = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    target = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    conditions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The conditions the card must meet to move, by registered name "
        "(e.g. stock_reserved_in_full).",
    )
    effects = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What the move also does in its transaction, by registered name, in order "
        "(e.g. reserve_stock).",
    )

    class Meta:
        model = Transition
        fields = ["name", "label", "sources", "target", "allowed_roles", "conditions", "effects"]


class ParticipantSerializer(serializers.Serializer):
    user = serializers.CharField()
    role = serializers.CharField()


class ProcessSerializer(serializers.ModelSerializer):
    """A process as data, with its participants and what the apps above add to its summary
    (processes/summaries.py): the goals it serves and its headline figures. The view puts them
    in the context, read for all the processes shown at once."""

    owner = serializers.SlugRelatedField(read_only=True, slug_field="username", allow_null=True)
    participants = serializers.SerializerMethodField()
    goals = serializers.SerializerMethodField()
    headline = serializers.SerializerMethodField()
    statuses = StatusSerializer(many=True, read_only=True)
    transitions = TransitionDefinitionSerializer(many=True, read_only=True)
    commitment_point = serializers.SerializerMethodField(
        help_text="The slug of the status where cards are agreed (the margin figures), or null."
    )

    class Meta:
        model = Process
        fields = [
            "slug",
            "name",
            "description",
            "commitment_point",
            "input",
            "output",
            "owner",
            "participants",
            "goals",
            "headline",
            "statuses",
            "transitions",
        ]

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_participants(self, process) -> list[dict]:
        return self.context.get("participants", {}).get(process.pk, [])

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_goals(self, process) -> list[int]:
        return self.context.get("summaries", {}).get(process.pk, {}).get("goals", [])

    @extend_schema_field(serializers.DictField())
    def get_headline(self, process) -> dict:
        return self.context.get("summaries", {}).get(process.pk, {}).get("headline", {})

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_commitment_point(self, process) -> str | None:
        # From the prefetched statuses: no query per process.
        return next((s.slug for s in process.statuses.all() if s.commitment_point), None)
