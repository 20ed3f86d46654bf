"""One definition of the card filters, used by the board, my queue, the risks page and the API's
card list: `/?q=acme&responsible=me&sla=at_risk` means the same everywhere, and a bad value is
a field error (the pages show it on the form, the API answers 400)."""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from processes.models import Channel, Client, Priority, RequestCard

# The parameters a saved view or a page link keeps (paging and the process picker aside).
FILTER_PARAMS = ("q", "responsible", "priority", "sla", "blocked", "client", "channel")

ME = "me"
UNASSIGNED = "unassigned"


class SLAFilterState:
    """The deadline filter's choices. A late card is past being at risk, so "at risk" alone
    would leave out the cards most in need (issue 22): the first choice takes both."""

    AT_RISK_OR_LATE = "at_risk_or_late"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    CHOICES = [
        (AT_RISK_OR_LATE, "At risk or late"),
        (AT_RISK, "At risk, not yet late"),
        (BREACHED, "Late (breached)"),
    ]


class ResponsibleField(forms.CharField):
    """`me`, `unassigned` (or the risks page's older `none`), or a person's id."""

    def clean(self, value):
        value = (super().clean(value) or "").strip().lower()
        if value in ("", ME, UNASSIGNED):
            return value
        if value == "none":
            return UNASSIGNED
        if value.isdigit() and 0 < int(value) < 2**31:
            return int(value)
        raise forms.ValidationError(
            "Choose me, unassigned or a person's number.", code="invalid_choice"
        )


class ResponsibleFilter(django_filters.Filter):
    field_class = ResponsibleField


class SlugFilter(django_filters.CharFilter):
    field_class = forms.SlugField


class CardFilter(django_filters.FilterSet):
    """Pass `request` (for `me`) and, where the SLA state is asked about, `now`."""

    q = django_filters.CharFilter(method="filter_search", label="Search", max_length=200)
    # The API's name for the same search (DRF's convention).
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=200)
    responsible = ResponsibleFilter(method="filter_responsible", label="Responsible")
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label="Priority")
    sla = django_filters.ChoiceFilter(
        choices=SLAFilterState.CHOICES, method="filter_sla", label="Deadline"
    )
    blocked = django_filters.ChoiceFilter(
        choices=[("true", "Blocked"), ("false", "Not blocked")],
        method="filter_blocked",
        label="Blocked",
    )
    client = django_filters.ModelChoiceFilter(queryset=Client.objects.all(), label="Client")
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label="Channel")
    process = SlugFilter(field_name="process__slug", label="Process", max_length=50)
    status = SlugFilter(field_name="status", label="Status", max_length=50)

    class Meta:
        model = RequestCard
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, now=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.now = now or timezone.now()

    def filter_search(self, cards: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return cards
        match = Q(title__icontains=value) | Q(client__name__icontains=value)
        number = value.lstrip("#")
        if number.isdigit() and int(number) < 2**31:
            match |= Q(pk=int(number))
        return cards.filter(match)

    def filter_responsible(self, cards: QuerySet, name: str, value) -> QuerySet:
        if value == ME:
            user = getattr(self.request, "user", None)
            return cards.filter(responsible_id=getattr(user, "pk", None))
        if value == UNASSIGNED:
            return cards.filter(responsible__isnull=True)
        if value == "":
            return cards
        return cards.filter(responsible_id=value)

    def filter_sla(self, cards: QuerySet, name: str, value: str) -> QuerySet:
        if value == SLAFilterState.BREACHED:
            return cards.breached(self.now)
        if value == SLAFilterState.AT_RISK_OR_LATE:
            return cards.at_risk(self.now) | cards.breached(self.now)
        return cards.at_risk(self.now)

    def filter_blocked(self, cards: QuerySet, name: str, value: str) -> QuerySet:
        return cards.filter(is_blocked=value == "true")

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (the process picker aside)."""
        data = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        return any(data.get(name) not in (None, "") for name in FILTER_PARAMS)

    def query_string(self) -> str:
        """The filters as given, for links and saved views."""
        params = self.data.copy() if self.data else {}
        keep = {k: params.get(k) for k in FILTER_PARAMS if params.get(k)}
        return urlencode(keep)


def card_filter(params, cards: QuerySet, *, request, now=None) -> CardFilter:
    """The filter set for a page or the API, bound to the request's query string."""
    return CardFilter(params, queryset=cards, request=request, now=now)
