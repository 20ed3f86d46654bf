"""Property-based (hypothesis): whatever a client sends, the serializers and forms answer with
field errors that the JSON renderer can write (lone surrogates, numbers for text, dates at the
ends of the calendar, nested junk), and every date derived from an accepted goal period or week
stays inside the calendar. Each is a 400 with words, never a 500 (issue 21, point 1)."""

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from goals.api import serializers as goal_serializers
from goals.definitions import baseline_weeks, period_weeks, week_days
from goals.forms import GoalForm
from goals.services.goals import _check_goal
from metrics.weeks import iso_week_bounds, parse_week, week_shift
from opmodel.errors import InvalidInput, api_exception_handler
from processes.api import inputs as card_inputs
from processes.models import Client, Process
from reviews.api import serializers as review_serializers

pytestmark = pytest.mark.django_db

ODD_STRINGS = ["\ud800", "a\udfffb", "0001-W01", "9999-W52", "9999-12-31", "0001-01-01", "", " "]
TEXT = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.text(max_size=20),
    st.text(alphabet=st.characters(categories=["Cs", "Lu", "Nd", "Zs"]), max_size=10),
)
SCALAR = st.one_of(TEXT, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())
VALUE = st.one_of(
    SCALAR,
    st.lists(SCALAR, max_size=3),
    st.dictionaries(TEXT, SCALAR, max_size=3),
)
SERIALIZERS = [
    card_inputs.CardUpdateSerializer,
    card_inputs.BlockInputSerializer,
    card_inputs.LineItemInputSerializer,
    goal_serializers.GoalInputSerializer,
    goal_serializers.KeyResultInputSerializer,
    goal_serializers.CheckInInputSerializer,
    review_serializers.ReviewInputSerializer,
    review_serializers.ReviewDecisionInputSerializer,
    review_serializers.CloseInputSerializer,
    review_serializers.DecisionFilterSerializer,
]
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _payload(serializer_class):
    names = list(serializer_class().fields)
    return st.dictionaries(st.sampled_from(names), VALUE, max_size=len(names))


def _renders_as_field_errors(errors) -> dict:
    response = api_exception_handler(ValidationError(errors), {})
    body = json.loads(JSONRenderer().render(response.data))
    assert response.status_code == 400
    for field, messages in body.items():
        assert isinstance(field, str)
        assert isinstance(messages, str | list)
        assert all(isinstance(m, str) for m in messages)
    return body


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: c.__name__)
@SETTINGS
@given(data=st.data())
def test_any_input_is_accepted_or_answered_with_writable_field_errors(serializer_class, data):
    payload = data.draw(_payload(serializer_class))
    serializer = serializer_class(
        data=payload, partial=serializer_class.__name__.endswith("Update")
    )

    if not serializer.is_valid():
        assert set(_renders_as_field_errors(serializer.errors)) <= set(serializer.fields) | {
            "non_field_errors"
        }


@pytest.mark.parametrize(
    "value",
    [
        float("inf"),
        float("-inf"),
        float("nan"),
        1.5,
        10**30,
        -(10**30),
        2**63,
        "1" + "0" * 30,
        1e300,
    ],
)
def test_an_id_no_record_can_have_is_a_field_error(value):
    # Hypothesis drew {"client": inf}: DRF's related field let an OverflowError through (a 500),
    # and read 1.5 as client 1.
    serializer = card_inputs.CardUpdateSerializer(data={"client": value}, partial=True)

    assert not serializer.is_valid()
    assert set(_renders_as_field_errors(serializer.errors)) == {"client"}


def test_an_id_with_a_fraction_is_not_read_as_the_record_below_it():
    client = Client.objects.create(name="Acme")
    serializer = card_inputs.CardUpdateSerializer(data={"client": client.pk + 0.5}, partial=True)

    assert not serializer.is_valid()
    assert set(_renders_as_field_errors(serializer.errors)) == {"client"}


@SETTINGS
@given(starts_on=st.dates(), ends_on=st.dates())
def test_an_accepted_goal_period_keeps_every_derived_date_in_the_calendar(starts_on, ends_on):
    try:
        _check_goal(title="T", starts_on=starts_on, ends_on=ends_on, cadence="", state="draft")
    except InvalidInput as refused:
        assert set(refused.errors) <= {"starts_on", "ends_on"}
        _renders_as_field_errors(refused.errors)
        return
    for week in baseline_weeks(starts_on) + period_weeks(starts_on, ends_on):
        week_days(week)


@SETTINGS
@given(
    week=st.one_of(
        TEXT, st.builds("{:04d}-W{:02d}".format, st.integers(0, 9999), st.integers(0, 60))
    )
)
def test_an_accepted_week_has_bounds_and_trailing_weeks(o2c, week):
    try:
        parse_week(week)
    except InvalidInput as refused:
        assert list(refused.errors) == ["week"]
        _renders_as_field_errors(refused.errors)
        return
    iso_week_bounds(o2c, week)
    iso_week_bounds(o2c, week_shift(week, -12))
    iso_week_bounds(o2c, week_shift(week, 1))


@SETTINGS
@given(fields=st.dictionaries(st.sampled_from(["title", "starts_on", "ends_on", "cadence",
                                                "state", "owner"]), TEXT))  # fmt: skip
def test_the_goal_form_validates_any_text(o2c, fields):
    form = GoalForm(fields, processes=Process.objects.all())

    if not form.is_valid():
        _renders_as_field_errors({k: list(v) for k, v in form.errors.items()})


def test_the_calendar_ends_are_refused_by_name():
    with pytest.raises(InvalidInput) as refused:
        _check_goal(title="T", starts_on=date(1, 1, 1), ends_on=date(9999, 12, 31),
                    cadence="", state="draft")  # fmt: skip
    assert set(refused.value.errors) == {"starts_on", "ends_on"}
