"""Forms of the goal pages: they parse input; the services decide and write."""

from django import forms
from django.contrib.auth import get_user_model

from goals.definitions import Cadence, GoalState, KeyResultKind
from goals.models import Goal
from metrics.catalogue import METRICS, target_from_entry
from processes.models import Channel, Status


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
    parent = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="None: a company goal",
        label="Serves",
        help_text="The goal this one serves (a process goal serves a company goal).",
    )

    def __init__(self, *args, processes, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["processes"].queryset = processes
        self.fields["parent"].queryset = parents if parents is not None else Goal.objects.none()
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("first_name", "last_name", "username")
        )


class KeyResultForm(forms.Form):
    process = forms.ModelChoiceField(queryset=None, empty_label=None)
    metric = forms.ChoiceField(choices=[(m.key, m.label) for m in METRICS.values()])
    dimension = forms.ChoiceField(
        required=False,
        help_text="Optional for most metrics: the channel or the status the metric splits by.",
    )
    kind = forms.ChoiceField(choices=KeyResultKind.choices, initial=KeyResultKind.TARGET)
    target = forms.FloatField(
        help_text="For a guardrail: its threshold. Shares and percents in percent (90 for "
        "90%), days as days."
    )
    deadline = forms.DateField(
        required=False, widget=DateInput, help_text="Targets: within the goal's period."
    )

    def __init__(self, *args, processes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = processes
        self.fields["dimension"].choices = dimension_choices(processes)

    def clean(self):
        data = super().clean()
        try:
            data["target"] = target_from_entry(data.get("metric", ""), data.get("target"))
        except ValueError as exc:
            self.add_error("target", str(exc))
        return data


def dimension_choices(processes) -> list:
    """What a key result may split by, from the catalogue's lists: the channels and the
    statuses of the goal's processes, by name (the service checks the pair with the metric)."""
    statuses: dict[str, str] = {}
    for slug, name in (
        Status.objects.filter(process__in=processes)
        .order_by("process__name", "order", "id")
        .values_list("slug", "name")
    ):
        statuses.setdefault(slug, name)
    return [
        ("", "The whole process"),
        ("Channel (intake, win rate and margin by channel)", list(Channel.choices)),
        ("Status (conversion to a status)", list(statuses.items())),
    ]


class CheckInForm(forms.Form):
    confidence = forms.IntegerField(
        min_value=0, max_value=10, help_text="0: no chance; 10: certain."
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
