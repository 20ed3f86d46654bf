"""The operations screens: board, my queue, the card page and its actions.

Thin on purpose: a view parses input with a form, asks `roles` what the user may do, calls a
service or a selector and renders. Domain errors map to a status code in one place
(`CardActionError.http_status`): a refusal re-renders the card page with the reasons.
"""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from processes import selectors, services
from processes.errors import (
    ActionForbidden,
    CardActionError,
    CardConflict,
    InvalidInput,
    TransitionRefused,
)
from processes.forms import (
    BlockForm,
    CardForm,
    DocumentForm,
    LineItemForm,
    TransitionForm,
    UnblockForm,
)
from processes.models import CURRENT_STATUSES, RequestCard, Status
from processes.sla import sla_state, target_state
from processes.timeline import card_timeline
from roles.permissions import CARD_EDITOR_KINDS, role_map

BOARD_COLUMN_LIMIT = 100
QUEUE_PAGE_SIZE = 50

# Field names the services report that the card form shows under another name.
FORM_FIELD_FOR = {"name": "new_client_name"}


def _card_or_404(user, card_id: int) -> RequestCard:
    """A card the user may see; any other card does not exist for them."""
    card = selectors.cards_visible_to(user).filter(pk=card_id).first()
    if card is None:
        raise Http404("No such card.")
    return card


def _may_edit(user, process_id: int) -> bool:
    return role_map(user).may_act(process_id, CARD_EDITOR_KINDS)


def _add_errors(form, errors: dict[str, list[str]]) -> None:
    for field, field_errors in errors.items():
        name = FORM_FIELD_FOR.get(field, field)
        target = name if name in form.fields else None
        for message in field_errors:
            form.add_error(target, message)


def _status_lookup(process_ids) -> dict[tuple[int, str], Status]:
    """Statuses of several processes in one query, keyed by (process id, slug)."""
    return {(s.process_id, s.slug): s for s in Status.objects.filter(process_id__in=process_ids)}


# ---------------------------------------------------------------------------------------------
# Board and queue


@require_safe
def board(request):
    processes = list(selectors.processes_visible_to(request.user).filter(is_active=True))
    slug = request.GET.get("process")
    if slug:
        process = next((p for p in processes if p.slug == slug), None)
        if process is None:
            raise Http404("No such process.")
    else:
        process = processes[0] if processes else None

    columns = []
    if process is not None:
        raw = selectors.board(
            user=request.user, process=process, limit_per_status=BOARD_COLUMN_LIMIT
        )
        # Open work first, in the process's order; finished columns (recent cards) last.
        ordered = [c for c in raw if not c[0].final] + [c for c in raw if c[0].final]
        columns = [
            {"status": s, "cards": cards, "capped": len(cards) >= BOARD_COLUMN_LIMIT}
            for s, cards in ordered
        ]
    open_cards = [card for col in columns if not col["status"].final for card in col["cards"]]
    context = {
        "processes": processes,
        "process": process,
        "columns": columns,
        "open_count": len(open_cards),
        "blocked_count": sum(1 for card in open_cards if card.is_blocked),
        "unassigned_count": sum(1 for card in open_cards if not card.responsible_id),
        "may_create": process is not None and _may_edit(request.user, process.pk),
        "now": timezone.now(),
        "nav": "board",
    }
    return render(request, "processes/board.html", context)


@require_safe
def queue(request):
    paginator = Paginator(selectors.my_queue(user=request.user), QUEUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    cards = list(page.object_list)
    statuses = _status_lookup({card.process_id for card in cards}) if cards else {}
    rows = [
        {"card": card, "status": statuses.get((card.process_id, card.status))} for card in cards
    ]
    context = {
        "page": page,
        "rows": rows,
        "many_processes": len(role_map(request.user).process_ids()) > 1,
        "now": timezone.now(),
        "nav": "queue",
    }
    return render(request, "processes/queue.html", context)


# ---------------------------------------------------------------------------------------------
# The card page


def _render_card(request, card_id: int, *, status: int = 200, bound=None, error=None):
    """The card page; after a refused action, with the bound form or the refusal shown."""
    card = selectors.card_page(user=request.user, card_id=card_id)
    if card is None:
        raise Http404("No such card.")
    bound = bound or {}
    statuses = {s.slug: s for s in card.process.statuses.all()}
    block_reasons = list(card.process.block_reasons.all())
    approvals = list(card.approval_requests.all())
    options = services.card_transition_options(
        user=request.user,
        card=card,
        definitions=card.process.transitions.all(),
        rules=card.process.active_rules,
        requests=approvals,
    )
    items = list(card.items.all())
    now = timezone.now()
    context = {
        "card": card,
        "now": now,
        "sla_state": sla_state(card, now),
        "target_state": target_state(card, now),
        "status": statuses.get(card.status),
        "moves": [o for o in options if not o.needs_lost_reason],
        "lost_option": next((o for o in options if o.needs_lost_reason), None),
        "may_edit": _may_edit(request.user, card.process_id),
        "items": items,
        "documents": list(card.documents.all()),
        "approvals_current": [a for a in approvals if a.status in CURRENT_STATUSES],
        "approvals_past": [a for a in approvals if a.status not in CURRENT_STATUSES],
        "timeline": card_timeline(card, statuses, {r.slug: r.name for r in block_reasons})[::-1],
        "transition_form": bound.get("transition") or TransitionForm(),
        "block_form": bound.get("block") or BlockForm(block_reasons=block_reasons),
        "unblock_form": bound.get("unblock") or UnblockForm(),
        "item_form": bound.get("item") or LineItemForm(),
        "document_form": bound.get("document") or DocumentForm(),
        "error": error,
        "unmet": getattr(error, "unmet", []),
        "nav": "board",
    }
    return render(request, "processes/card_detail.html", context, status=status)


@require_safe
def card_detail(request, card_id: int):
    return _render_card(request, card_id)


def _card_action(request, card_id: int, *, key: str, form, act, success):
    """Run one card action from a POSTed form; refusals re-render the page with their status.

    `form` is a bound form, or makes one from the card; `act(card, cleaned_data)` calls the
    service; `success` is the message, or makes it from the changed card. On a conflict the
    page shows the fresh card and fresh forms, so nothing typed on a stale page is resubmitted
    unseen.
    """
    card = _card_or_404(request.user, card_id)
    if callable(form):
        form = form(card)
    if not form.is_valid():
        return _render_card(request, card_id, status=400, bound={key: form})
    try:
        act(card, form.cleaned_data)
    except InvalidInput as exc:
        _add_errors(form, exc.errors)
        return _render_card(request, card_id, status=exc.http_status, bound={key: form})
    except CardConflict as exc:
        return _render_card(request, card_id, status=exc.http_status, error=exc)
    except TransitionRefused as exc:
        return _render_card(request, card_id, status=exc.http_status, error=exc, bound={key: form})
    except CardActionError as exc:
        return _render_card(request, card_id, status=exc.http_status, error=exc)
    messages.success(request, success(card) if callable(success) else success)
    return redirect("card-detail", card_id=card_id)


@require_POST
def card_transition(request, card_id: int, name: str):
    def act(card, data):
        services.card_transition(
            actor=request.user,
            card=card,
            name=name,
            comment=data["comment"],
            lost_reason=data["lost_reason"],
            expected_version=data["version"],
        )

    return _card_action(
        request,
        card_id,
        key="transition",
        form=TransitionForm(request.POST),
        act=act,
        success=lambda card: f"Moved to {card.process.statuses.get(slug=card.status).name}.",
    )


@require_POST
def card_block(request, card_id: int):
    return _card_action(
        request,
        card_id,
        key="block",
        form=lambda card: BlockForm(request.POST, block_reasons=card.process.block_reasons.all()),
        act=lambda card, data: services.card_block(
            actor=request.user,
            card=card,
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
        ),
        success="The card is blocked.",
    )


@require_POST
def card_unblock(request, card_id: int):
    return _card_action(
        request,
        card_id,
        key="unblock",
        form=UnblockForm(request.POST),
        act=lambda card, data: services.card_unblock(
            actor=request.user, card=card, note=data["note"], expected_version=data["version"]
        ),
        success="The card is unblocked.",
    )


@require_POST
def card_item_add(request, card_id: int):
    return _card_action(
        request,
        card_id,
        key="item",
        form=LineItemForm(request.POST),
        act=lambda card, data: services.card_item_add(
            actor=request.user,
            card=card,
            product=data["product"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            unit_cost=data["unit_cost"],
            expected_version=data["version"],
        ),
        success="Line item added.",
    )


@require_POST
def card_document_add(request, card_id: int):
    return _card_action(
        request,
        card_id,
        key="document",
        form=DocumentForm(request.POST, request.FILES),
        act=lambda card, data: services.document_add(
            actor=request.user,
            card=card,
            file=data["file"],
            name=data["name"],
            expected_version=data["version"],
        ),
        success="Document uploaded.",
    )


@require_safe
def document_download(request, card_id: int, document_id: int):
    # MEDIA is not served publicly: every download passes the card's visibility check.
    card = _card_or_404(request.user, card_id)
    document = card.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(document.file.name))


# ---------------------------------------------------------------------------------------------
# Create and edit


def _settle_client(form: CardForm, fields: dict) -> dict:
    """Create the typed new client (inside the caller's transaction) and put it in the fields."""
    name = form.cleaned_data.get("new_client_name")
    if name:
        fields["client"] = services.client_create(name=name)
    return fields


@require_http_methods(["GET", "HEAD", "POST"])
def card_new(request):
    rmap = role_map(request.user)
    processes = [
        p
        for p in selectors.processes_visible_to(request.user).filter(is_active=True)
        if rmap.may_act(p.pk, CARD_EDITOR_KINDS)
    ]
    slug = request.GET.get("process")
    if slug:
        process = next((p for p in processes if p.slug == slug), None)
        if process is None:
            raise Http404("No such process, or you may not create cards in it.")
    elif processes:
        process = processes[0]
    else:
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
                # One transaction: a new client is not left behind when the card is refused.
                with transaction.atomic():
                    fields = _settle_client(form, form.card_fields())
                    card = services.card_create(actor=request.user, process=process, **fields)
            except InvalidInput as exc:
                _add_errors(form, exc.errors)
            except ActionForbidden as exc:
                raise PermissionDenied(exc.message) from exc
            except CardActionError as exc:
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
    card = _card_or_404(request.user, card_id)
    if not _may_edit(request.user, card.process_id):
        raise PermissionDenied("Only the executor or accountable of this process may edit cards.")
    form = CardForm(
        request.POST if request.method == "POST" else None,
        process=card.process,
        initial=CardForm.initial_from(card),
    )
    status, error = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = form.card_fields()
            changes = {k: v for k, v in fields.items() if k in form.changed_data}
            try:
                with transaction.atomic():
                    changes = _settle_client(form, changes)
                    if changes:
                        services.card_update(
                            actor=request.user,
                            card=card,
                            changes=changes,
                            expected_version=form.cleaned_data["version"],
                        )
            except InvalidInput as exc:
                _add_errors(form, exc.errors)
            except CardConflict as exc:
                # Show the card as it is now; what was typed on the stale page is not kept.
                card = _card_or_404(request.user, card_id)
                form = CardForm(process=card.process, initial=CardForm.initial_from(card))
                status, error = exc.http_status, exc
            except ActionForbidden as exc:
                raise PermissionDenied(exc.message) from exc
            except CardActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Saved." if changes else "Nothing changed.")
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
