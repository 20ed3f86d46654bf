"""Customer service's pages: a new complaint (from the service board, or from an order card's
page about that order), and what the card page shows of complaints (on an order card: its
complaints and the link to add one; on a complaint: its reason, what is returned, its order)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from opmodel.forms import service_errors
from processes.definition import process_definition
from processes.models import Process
from processes.permissions import may_edit_cards
from processes.selectors import cards_visible_to
from processes.views.card_panels import card_panel_view
from roles.permissions import role_map
from service.definitions import LINK_KIND, PROCESS_SLUG, Reason
from service.forms import ComplaintChangeForm, ComplaintForm
from service.models import Complaint
from service.selectors import complaints_of_order
from service.selectors.figures import ships
from service.services import complaint_change, complaint_create


def _service_process(user) -> Process:
    """Customer service, for one of its role holders; anyone else gets 404."""
    process = Process.objects.filter(slug=PROCESS_SLUG, is_active=True).first()
    if process is None or not role_map(user).may_see_process(process.pk):
        raise Http404("No such page.")
    return process


def _order(user, order_id) -> object | None:
    if not order_id:
        return None
    order = cards_visible_to(user).filter(pk=order_id).first()
    if order is None:
        raise Http404("No such card.")
    return order


@require_http_methods(["GET", "HEAD", "POST"])
def complaint_new(request):
    process = _service_process(request.user)
    data = request.POST if request.method == "POST" else None
    initial = {"order": request.GET.get("order") or None}
    form = ComplaintForm(data, initial=initial)
    order_id = form.data.get("order") if data is not None else initial["order"]
    order = _order(request.user, order_id if str(order_id or "").isdigit() else None)
    if data is not None and form.is_valid():
        fields = dict(form.cleaned_data)
        fields.pop("order")
        with service_errors(form) as call:
            card = complaint_create(actor=request.user, order=order, now=timezone.now(), **fields)
        if call.ok:
            return redirect("card-detail", card.pk)
    status = 400 if data is not None else 200
    return render(
        request,
        "service/complaint_form.html",
        {
            "form": form,
            "order": order,
            "process": process,
            "may_create": may_edit_cards(request.user, process.pk),
            "nav": "board",
        },
        status=status,
    )


def service_board_actions(process) -> list[tuple[str, str]]:
    if process.slug != PROCESS_SLUG:
        return []
    return [("+ New complaint", reverse("complaint-new"))]


def card_complaint_panel(request, card, *, may_edit: bool):
    """On a complaint: what it is about. On another card: its complaints, and the link to
    record one for those who may (customer service's executors and accountable)."""
    if card.process.slug == PROCESS_SLUG:
        complaint = Complaint.objects.filter(card_id=card.pk).first()
        if complaint is None:
            return ""
        order = (
            cards_visible_to(request.user)
            .filter(links_in__source=card, links_in__kind=LINK_KIND)
            .first()
        )
        final = card.status in process_definition(card.process).final
        return render_to_string(
            "service/_card_complaint.html",
            {
                "card": card,
                "complaint": complaint,
                "order": order,
                "may_change": may_edit and not final,
                "reasons": Reason.choices,
            },
            request=request,
        )
    # No query for those who hold roles in no other process (customer service's not among
    # them), nor on cards of a process that does not ship.
    others = role_map(request.user).process_ids() - {card.process_id}
    if not others or not ships(card.process):
        return ""
    service = Process.objects.filter(slug=PROCESS_SLUG, is_active=True, pk__in=others).first()
    if service is None:
        return ""
    return render_to_string(
        "service/_card_complaints.html",
        {
            "card": card,
            "complaints": complaints_of_order(card),
            "may_complain": may_edit_cards(request.user, service.pk),
        },
        request=request,
    )


# The complaint's reason or what is returned, changed from its card's page.
complaint_change_view = card_panel_view(
    ComplaintChangeForm,
    complaint_change,
    success="Complaint changed.",
    anchor="complaint",
    forbidden_page=True,
)
