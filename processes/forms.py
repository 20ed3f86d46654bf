"""Forms of the operations screens: they parse and check input; the services decide and write."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict

from processes.models import (
    EDITABLE_CARD_FIELDS,
    Channel,
    Client,
    ExceptionReason,
    PaymentTerms,
    Priority,
    Process,
)
from roles.selectors import people_holding_role_in

MONEY = {"max_digits": 12, "decimal_places": 2}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class CardForm(forms.Form):
    """Create or edit a card's data. Status and version are never edited here."""

    title = forms.CharField(max_length=200)
    client = forms.ModelChoiceField(
        queryset=Client.objects.order_by("name"), required=False, empty_label="No client yet"
    )
    new_client_name = forms.CharField(
        max_length=200,
        required=False,
        label="Or a new client",
        help_text="Type a name to create the client with this card.",
    )
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.EMAIL)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    responsible = PersonChoiceField(queryset=None, required=False, empty_label="Nobody yet")
    discount_percent = forms.DecimalField(
        label="Discount, %",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        initial=Decimal("0"),
    )
    payment_terms = forms.ChoiceField(choices=PaymentTerms.choices, initial=PaymentTerms.PREPAID)
    deferred_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        label="Deferred by, days",
        help_text="Only for deferred terms.",
    )
    shipment_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day the team plans to ship.",
    )
    promised_on = forms.DateField(
        label="Promised date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date promised to the client; needed to agree.",
    )
    promise_reason = forms.CharField(
        label="Why the promised date moves",
        max_length=300,
        required=False,
        help_text="Needed when a promised date changes.",
    )
    # The version the edit page showed; a create form leaves it empty.
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        self.fields["responsible"].queryset = people_holding_role_in(process)

    def clean_new_client_name(self):
        return self.cleaned_data["new_client_name"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("client") and cleaned.get("new_client_name"):
            self.add_error(
                "new_client_name", "Pick an existing client or type a new one, not both."
            )
        if cleaned.get("payment_terms") == PaymentTerms.PREPAID:
            cleaned["deferred_days"] = None
        elif cleaned.get("payment_terms") == PaymentTerms.DEFERRED and not cleaned.get(
            "deferred_days"
        ):
            if "deferred_days" not in self.errors:
                self.add_error("deferred_days", "Deferred payment needs a number of days.")
        return cleaned

    def card_fields(self) -> dict:
        """The cleaned values the card services take; a typed new client is passed apart."""
        return {name: self.cleaned_data[name] for name in EDITABLE_CARD_FIELDS}

    @staticmethod
    def initial_from(card) -> dict:
        # model_to_dict gives related rows as their ids, as the choice fields expect.
        return {"version": card.version, **model_to_dict(card, fields=EDITABLE_CARD_FIELDS)}


class VersionForm(forms.Form):
    """Every form on the card page carries the version the page showed (optimistic locking)."""

    # Several forms share one page: each gets its own element ids.
    id_prefix = "id"

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class TransitionForm(VersionForm):
    id_prefix = "move"
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Comment for the history"}),
    )
    lost_reason = forms.CharField(required=False, max_length=300)


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=5000,
        help_text="Write @username to notify someone with a role in this process.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)


class ExceptionForm(forms.Form):
    """An exception no rule foresees (processes/services/exceptions.py)."""

    ask = forms.CharField(
        label="What is asked",
        max_length=200,
        help_text="e.g. Ship before the payment arrives.",
    )
    reason = forms.ChoiceField(
        label="About", choices=ExceptionReason.choices, initial=ExceptionReason.OTHER
    )
    why = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "exception_%s")
        super().__init__(*args, **kwargs)


class BlockForm(VersionForm):
    id_prefix = "block"
    reason = forms.ChoiceField(choices=())
    note = forms.CharField(
        required=False, max_length=500, widget=forms.TextInput(attrs={"placeholder": "Note"})
    )

    def __init__(self, *args, block_reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "Choose a reason")] + [
            (r.slug, r.name) for r in block_reasons
        ]


class UnblockForm(VersionForm):
    id_prefix = "unblock"
    note = forms.CharField(required=False, max_length=500)


class LineItemForm(VersionForm):
    id_prefix = "item"
    product = forms.CharField(max_length=200)
    quantity = forms.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    unit_price = forms.DecimalField(**MONEY, min_value=Decimal("0"))
    unit_cost = forms.DecimalField(**MONEY, min_value=Decimal("0"))


class DocumentForm(VersionForm):
    id_prefix = "doc"
    file = forms.FileField()
    name = forms.CharField(required=False, max_length=200, help_text="Defaults to the file name.")


class TakeForm(forms.Form):
    """ "Take it": the version of the card the person saw waiting for pick-up."""

    version = forms.IntegerField(required=False, min_value=1)


class AssignForm(forms.Form):
    """Who becomes responsible: `me`, a person's id or username, or empty for nobody."""

    responsible = forms.CharField(required=False, max_length=150)
    # The tile's "Assign to me" button, in the same form as its typed picker.
    assign = forms.ChoiceField(required=False, choices=[("", ""), ("me", "me")])
    version = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_responsible(self):
        if self.data.get("assign") == "me":
            return self.user
        value = (self.cleaned_data.get("responsible") or "").strip().lower()
        if value == "":
            return None
        if value == "me":
            return self.user
        # A person's id (the lists' pickers) or username (the board's typed picker).
        people = get_user_model().objects.filter(is_active=True)
        if value.isdigit() and int(value) < 2**31:
            person = people.filter(pk=int(value)).first()
        else:
            person = people.filter(username__iexact=value).first()
        if person is None:
            raise forms.ValidationError("Choose a person from the list.")
        return person


class BulkForm(forms.Form):
    """One action on several cards from the queue or the risks page."""

    ACTIONS = [("assign", "Assign"), ("block", "Block"), ("unblock", "Unblock"), ("move", "Move")]

    card = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": "Tick at least one card."}
    )
    action = forms.ChoiceField(choices=ACTIONS)
    responsible = forms.CharField(required=False, max_length=12)
    reason = forms.SlugField(required=False, max_length=50)
    note = forms.CharField(required=False, max_length=500)
    target = forms.SlugField(required=False, max_length=50, label="Move to")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Any positive id is a choice here; the view keeps only the cards the user may see.
        ids = [v for v in self.data.getlist("card") if v.isdigit() and 0 < int(v) < 2**31]
        self.fields["card"].choices = [(i, i) for i in ids]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign":
            assign = AssignForm({"responsible": data.get("responsible")}, user=self.user)
            if assign.is_valid():
                data["person"] = assign.cleaned_data["responsible"]
            else:
                self.add_error("responsible", assign.errors["responsible"])
        elif action == "block" and not data.get("reason"):
            self.add_error("reason", "Give the reason of the block.")
        elif action == "move" and not data.get("target"):
            self.add_error("target", "Choose the status to move to.")
        return data
