"""The card forms: create a card (with a new client, if one is typed) and edit its data."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from opmodel.errors import DomainError, Forbidden, InvalidInput
from opmodel.forms import add_form_errors
from processes import selectors, services
from processes.errors import CardConflict
from processes.forms import CardForm
from processes.permissions import may_edit_cards
from processes.views.card import card_or_404
from roles.permissions import CARD_EDITOR_KINDS, role_map


@require_http_methods(["GET", "HEAD", "POST"])
def card_new(request):
    rmap = role_map(request.user)
    processes = [
        p
        for p in selectors.processes_visible_to(request.user).filter(is_active=True)
        if rmap.may_act(p.pk, CARD_EDITOR_KINDS)
    ]
    process, errors = selectors.process_from_query(request.GET, processes=processes)
    if errors:
        raise Http404("No such process, or you may not create cards in it.")
    if process is None:
        raise PermissionDenied("You hold no role that may create cards.")

    initial = {"responsible": request.user.pk}
    form = CardForm(
        request.POST if request.method == "POST" else None, process=process, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                card = services.card_create(
                    actor=request.user,
                    process=process,
                    new_client_name=form.cleaned_data["new_client_name"],
                    **form.card_fields(),
                )
            except InvalidInput as exc:
                add_form_errors(form, exc.errors)
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Card #{card.pk} created.")
                return redirect("card-detail", card_id=card.pk)
    context = {
        "form": form,
        "process": process,
        "processes": processes,
        "card": None,
        "action": f"{reverse('card-new')}?process={process.slug}",
        "nav": "board",
    }
    return render(request, "processes/card_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def card_edit(request, card_id: int):
    card = card_or_404(request.user, card_id)
    if not may_edit_cards(request.user, card.process_id):
        raise PermissionDenied("Only the executor or accountable of this process may edit cards.")
    if card.process.statuses.filter(slug=card.status, final=True).exists():
        messages.info(request, "This card is finished: its data is read-only.")
        return redirect("card-detail", card_id=card.pk)
    form = CardForm(
        request.POST if request.method == "POST" else None,
        process=card.process,
        initial=CardForm.initial_from(card),
    )
    status, error = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = {k: v for k, v in form.card_fields().items() if k in form.changed_data}
            new_client_name = form.cleaned_data["new_client_name"]
            try:
                if changes or new_client_name:
                    services.card_update(
                        actor=request.user,
                        card=card,
                        changes=changes,
                        new_client_name=new_client_name,
                        promise_reason=form.cleaned_data["promise_reason"],
                        expected_version=form.cleaned_data["version"],
                    )
            except InvalidInput as exc:
                add_form_errors(form, exc.errors)
            except CardConflict as exc:
                # Show the card as it is now; what was typed on the stale page is not kept.
                card = card_or_404(request.user, card_id)
                form = CardForm(process=card.process, initial=CardForm.initial_from(card))
                status, error = exc.http_status, exc
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                saved = changes or new_client_name
                messages.success(request, "Saved." if saved else "Nothing changed.")
                return redirect("card-detail", card_id=card.pk)
    context = {
        "form": form,
        "process": card.process,
        "processes": [],
        "card": card,
        "action": reverse("card-edit", args=[card.pk]),
        "error": error,
        "nav": "board",
    }
    return render(request, "processes/card_form.html", context, status=status)
