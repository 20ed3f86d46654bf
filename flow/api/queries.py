"""The forecast's questions as the page and the API read them from a query string: one
definition, so both answer bad input with the same field errors."""

from __future__ import annotations

from datetime import date, timedelta

from rest_framework import serializers

from flow import forecasting
from opmodel.errors import field_errors

MAX_AHEAD_DAYS = 5 * 366


class ForecastQuery(serializers.Serializer):
    how_many_by = serializers.DateField(required=False, help_text="How many cards by this date?")
    when = serializers.IntegerField(
        required=False, min_value=0, max_value=1_000_000, help_text="When will N cards be done?"
    )
    window_days = serializers.IntegerField(
        required=False, min_value=7, max_value=365, default=forecasting.DEFAULT_WINDOW_DAYS
    )
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_how_many_by(self, value: date) -> date:
        if value < self.today:
            raise serializers.ValidationError("Give today or a later date.")
        if value > self.today + timedelta(days=MAX_AHEAD_DAYS):
            raise serializers.ValidationError("Give a date within five years.")
        return value

    def validate(self, attrs):
        if "how_many_by" in attrs and "when" in attrs:
            raise serializers.ValidationError(
                {"when": ["Ask either how many by a date or when N cards will be done."]}
            )
        return attrs


def read_forecast_query(params, *, today: date) -> tuple[dict | None, dict]:
    """(the question, errors): blank values count as absent (an empty form field)."""
    data = {key: value for key, value in params.items() if value.strip()}
    query = ForecastQuery(data=data, today=today)
    if not query.is_valid():
        return None, field_errors(query.errors)
    question = dict(query.validated_data)
    question.setdefault("seed", forecasting.new_seed())
    return question, {}
