from django import forms

from processes.models import Client, Priority
from service.definitions import Reason


class ComplaintForm(forms.Form):
    """A complaint as a person records it; the order, when there is one, comes from the page
    it was opened from (the order card's "Complaint about this order")."""

    order = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(),
        required=False,
        help_text="Left blank with an order: the order's client.",
    )
    reason = forms.ChoiceField(choices=[("", "—"), *Reason.choices])
    returned = forms.CharField(
        max_length=300,
        required=False,
        label="What is returned",
        help_text="For a return: the goods the client sends back. Blank: nothing is returned.",
    )
    title = forms.CharField(
        max_length=200, required=False, help_text="Blank: the reason and the order or client."
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)


class ComplaintChangeForm(forms.Form):
    reason = forms.ChoiceField(choices=Reason.choices)
    returned = forms.CharField(max_length=300, required=False, label="What is returned")
