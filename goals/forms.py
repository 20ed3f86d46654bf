"""Forms of the goal pages: they parse input; the services decide and write."""

from django import forms
from django.contrib.auth import get_user_model

from goals.definitions import Cadence, GoalState, KeyResultKind
from metrics.catalogue import METRICS


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class DateInput(forms.DateInput):
    input_type = "date"


class GoalForm(forms.Form):
    title = forms.CharField(max_length=200)
    why = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = PersonChoiceField(queryset=None, required=False, empty_label="Nobody yet")
    starts_on = forms.DateField(label="Period starts", widget=DateInput)
    ends_on = forms.DateField(label="Period ends", widget=DateInput)
    processes = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The streams of work the goal changes.",
    )
    cadence = forms.ChoiceField(
        choices=[("", "None yet"), *Cadence.choices], required=False, label="Review cadence"
    )
    state = forms.ChoiceField(choices=GoalState.choices, initial=GoalState.ACTIVE)

    def __init__(self, *args, processes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["processes"].queryset = processes
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("first_name", "last_name", "username")
        )


class KeyResultForm(forms.Form):
    process = forms.ModelChoiceField(queryset=None, empty_label=None)
    metric = forms.ChoiceField(choices=[(m.key, m.label) for m in METRICS.values()])
    dimension = forms.CharField(
        required=False,
        max_length=200,
        help_text="Optional: a channel (e.g. website) or a status (e.g. closed) the metric "
        "splits by. Blank: the whole process.",
    )
    kind = forms.ChoiceField(choices=KeyResultKind.choices, initial=KeyResultKind.TARGET)
    target = forms.FloatField(
        help_text="For a guardrail: its threshold. Shares as fractions (0.9 is 90%), days "
        "and percents as numbers."
    )
    deadline = forms.DateField(
        required=False, widget=DateInput, help_text="Targets: within the goal's period."
    )

    def __init__(self, *args, processes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = processes


class CheckInForm(forms.Form):
    confidence = forms.IntegerField(
        min_value=0, max_value=10, help_text="0: no chance; 10: certain."
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
