from django import forms

from goals.models import KeyResult
from metrics.catalogue import METRICS
from opmodel.formatting import person_text
from processes.models import ExceptionRule, Priority, SLAPolicy, Status, Transition
from reviews.definitions import Changes, Expected, RuleKind
from roles.models import ProcessRole


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=None, label="Owner")
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    changes = forms.ChoiceField(choices=Changes.choices, initial=Changes.ACTION, label="Changes")
    rule = forms.ChoiceField(required=False, label="Which rule")
    metric = forms.ChoiceField(required=False, label="Metric it should move")
    key_result = forms.ModelChoiceField(
        queryset=None, required=False, label="Or the key result it should move"
    )
    expected = forms.ChoiceField(
        choices=[("", "–"), *Expected.choices], required=False, label="Expected direction"
    )
    item_key = forms.CharField(required=False, max_length=100, label="About agenda item")

    def __init__(self, *args, people, process, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["owner"].queryset = people
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["metric"].choices = [("", "–")] + [(k, m.label) for k, m in METRICS.items()]
        # The process's rules by name, grouped by kind: nobody has to know a rule's id.
        self.fields["rule"].choices = [("", "–")] + [
            (RuleKind(kind).label, [(f"{kind}:{pk}", label) for pk, label in rules])
            for kind, rules in process_rules(process).items()
            if rules
        ]
        self.fields["key_result"].queryset = KeyResult.objects.filter(
            process=process
        ).select_related("goal")
        self.fields["key_result"].label_from_instance = lambda kr: (
            f"{kr.goal.title}: {METRICS[kr.metric].label if kr.metric in METRICS else kr.metric}"
        )

    def clean(self):
        data = super().clean()
        kind, _, pk = (data.pop("rule", "") or "").partition(":")
        data["rule_kind"], data["rule_id"] = kind, int(pk) if pk else None
        return data


def process_rules(process) -> dict[str, list[tuple[int, str]]]:
    """The rules a decision can change, by kind: (id, a label people recognise)."""
    return {
        RuleKind.SLA_POLICY: [
            (p.pk, sla_policy_text(p))
            for p in SLAPolicy.objects.filter(process=process).select_related("status")
        ],
        RuleKind.EXCEPTION_RULE: [
            (r.pk, r.name) for r in ExceptionRule.objects.filter(process=process)
        ],
        RuleKind.ROLE_GRANT: [
            (g.pk, f"{g.get_kind_display()}: {person_text(g.user) if g.user else g.group}")
            for g in ProcessRole.objects.filter(process_id=process.pk).select_related(
                "user", "group"
            )
        ],
        RuleKind.STATUS: [
            (s.pk, s.name) for s in Status.objects.filter(process=process).order_by("order")
        ],
        RuleKind.TRANSITION: [
            (t.pk, t.name) for t in Transition.objects.filter(process=process).order_by("id")
        ],
    }


def sla_policy_text(policy) -> str:
    """An SLA policy as people say it: "Received: 4 business hours, any priority"."""
    hours = policy.allowance_minutes / 60
    allowance = (
        f"{hours:g} business hours"
        if hours >= 1
        else f"{policy.allowance_minutes} business minutes"
    )
    priority = Priority(policy.priority).label.lower() if policy.priority in Priority else "any"
    return f"{policy.status.name}: {allowance}, {priority} priority"


class DoneForm(forms.Form):
    note = forms.CharField(label="What was done", widget=forms.Textarea(attrs={"rows": 2}))
    # A decision that changes a rule: the rule version that carried it out, or why none did.
    version_number = forms.IntegerField(label="Rule version", required=False, min_value=1)
    no_version_reason = forms.CharField(
        label="Why no rule version", required=False, widget=forms.Textarea(attrs={"rows": 1})
    )


class DropForm(forms.Form):
    reason = forms.CharField(label="Why dropped", widget=forms.Textarea(attrs={"rows": 2}))
