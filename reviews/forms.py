from django import forms

from goals.catalogue import METRICS
from reviews.definitions import Changes, Expected, RuleKind


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=None, label="Owner")
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    changes = forms.ChoiceField(choices=Changes.choices, initial=Changes.ACTION, label="Changes")
    rule_kind = forms.ChoiceField(
        choices=[("", "–"), *RuleKind.choices], required=False, label="Which rule"
    )
    rule_id = forms.IntegerField(required=False, min_value=1, label="Rule id")
    metric = forms.ChoiceField(required=False, label="Metric it should move")
    expected = forms.ChoiceField(
        choices=[("", "–"), *Expected.choices], required=False, label="Expected direction"
    )
    item_key = forms.CharField(required=False, max_length=100, label="About agenda item")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["owner"].queryset = people
        self.fields["owner"].label_from_instance = lambda u: u.get_username()
        self.fields["metric"].choices = [("", "–")] + [(k, m.label) for k, m in METRICS.items()]


class DoneForm(forms.Form):
    note = forms.CharField(label="What was done", widget=forms.Textarea(attrs={"rows": 2}))


class DropForm(forms.Form):
    reason = forms.CharField(label="Why dropped", widget=forms.Textarea(attrs={"rows": 2}))
