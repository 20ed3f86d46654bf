"""The card filters on a page: bind them to the query string, apply them, and what the filter
form shows (people, clients, the user's saved views)."""

from dataclasses import dataclass
from html import escape

from django.db.models import QuerySet
from django.utils.safestring import mark_safe

from processes import selectors
from processes.filters import CardFilter, SLAFilterState, card_filter
from processes.models import BlockReason, Channel, Client, Priority, SavedView, Status


@dataclass
class PageFilters:
    filterset: CardFilter
    cards: QuerySet
    people: list
    clients: list[tuple[int, str]]  # (id, name)
    saved_views: list[SavedView]
    page: str
    params: dict

    @property
    def errors(self) -> dict:
        return self.filterset.errors if self.filterset.is_bound else {}

    @property
    def http_status(self) -> int:
        return 400 if self.errors else 200

    @property
    def chosen(self) -> dict:
        return self.params

    @property
    def query(self) -> str:
        return self.filterset.query_string()

    # The long option lists are built here, not in template loops: at a few thousand clients
    # the template's loop was most of the page's time.
    @property
    def people_options(self) -> str:
        return _options(
            ((p.pk, _person(p)) for p in self.people), self.params.get("responsible", "")
        )

    @property
    def client_options(self) -> str:
        return _options(self.clients, self.params.get("client", ""))

    @property
    def people_datalist(self) -> str:
        """Options of the assign pickers' shared list: the username, labelled with the name."""
        return mark_safe(
            "".join(
                f'<option value="{escape(p.username)}">{escape(_person(p))}</option>'
                for p in self.people
            )
        )

    @property
    def priorities(self):
        return Priority.choices

    @property
    def channels(self):
        return Channel.choices

    @property
    def sla_choices(self):
        return SLAFilterState.CHOICES

    @property
    def active(self) -> bool:
        return self.filterset.active


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _options(pairs, chosen: str) -> str:
    # Plain escaping, as format_html does it, without its per-call machinery: a page may list
    # a few thousand clients.
    return mark_safe(
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) == chosen else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in pairs
        )
    )


def page_filters(
    request, cards: QuerySet, *, page: str, now, people=None, leave_out=()
) -> PageFilters:
    """`cards` narrowed by the request's filters; with a bad value, the error and every card.
    `leave_out`: parameters the page reads itself."""
    params = request.GET.copy()
    for name in leave_out:
        params.pop(name, None)
    filterset = card_filter(params, cards, request=request, now=now)
    filtered = filterset.qs if filterset.is_valid() else cards
    return PageFilters(
        filterset=filterset,
        cards=filtered,
        people=list(people if people is not None else selectors.people_visible_to(request.user)),
        clients=list(Client.objects.order_by("name").values_list("id", "name")),
        saved_views=list(selectors.saved_views_of(request.user, page)),
        page=page,
        params=request.GET.dict(),
    )


def bulk_choices(user) -> dict:
    """What the bulk bar offers: block reasons and statuses (by slug, once each) of the user's
    processes. Two queries."""
    processes = selectors.processes_visible_to(user).values("id")
    reasons = {
        r.slug: r.name
        for r in BlockReason.objects.filter(process_id__in=processes).order_by("name")
    }
    statuses = {
        s.slug: s.name
        for s in Status.objects.filter(process_id__in=processes).order_by("process_id", "order")
    }
    return {"reasons": list(reasons.items()), "statuses": list(statuses.items())}
