"""The card page and the actions posted from it: move, block, unblock, line items, documents."""

import os

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from notifications.services import notifications_mark_subject_read
from opmodel.errors import DomainError, InvalidInput
from opmodel.forms import add_form_errors
from processes import selectors, services
from processes.definition import process_zone_name
from processes.errors import TransitionRefused
from processes.forms import (
    BlockForm,
    CommentForm,
    DocumentForm,
    ExceptionForm,
    LineItemForm,
    TransitionForm,
    UnblockForm,
)
from processes.models import CURRENT_STATUSES, RequestCard
from processes.panels import card_panels
from processes.permissions import may_edit_cards
from processes.promises import promise_of
from processes.selectors.timeline import card_timeline, people_by_username
from processes.services.handoffs import card_stage, may_take
from processes.services.links import card_links
from processes.sla import sla_state, target_state
from processes.templatetags.process_ui import sla_text
from roles.selectors import people_holding_role_in


def card_or_404(user, card_id: int) -> RequestCard:
    """A card the user may see; any other card does not exist for them."""
    card = selectors.cards_visible_to(user).filter(pk=card_id).first()
    if card is None:
        raise Http404("No such card.")
    return card


def _render_card(
    request,
    card_id: int,
    *,
    status: int = 200,
    bound=None,
    error=None,
    refused_move: str = "",
    mark_read: bool = False,
):
    """The card page; after a refused action, with the bound form or the refusal shown.

    A refused move's reasons are listed once, in the refusal at the top (the move's own list
    of reasons is left out), and no other form opens by itself: the "lost" form opens only
    when it is the move that was refused.
    """
    card = selectors.card_page(user=request.user, card_id=card_id)
    if card is None:
        raise Http404("No such card.")
    now = timezone.now()
    if mark_read:
        # Opening the card is reading what was said about it: its alerts and mentions leave
        # the unread list, before the page renders, so the header's count agrees.
        notifications_mark_subject_read(user=request.user, subject=f"card:{card.pk}", now=now)
    bound = bound or {}
    statuses = {s.slug: s for s in card.process.statuses.all()}
    current = statuses.get(card.status)
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
    finished = bool(current and current.final)
    editor = may_edit_cards(request.user, card.process_id)
    known = [card.responsible, card.created_by, *(e.actor for e in card.events.all())]
    known += [p for a in approvals for p in (a.requested_by, a.decided_by)]
    unmet = getattr(error, "unmet", [])
    stage = card_stage(card)  # from the definition held in memory: no query
    context = {
        "card": card,
        "now": now,
        "zone": process_zone_name(card.process),
        "sla_state": sla_state(card, now),
        "promise": promise_of(card, now=now, process=card.process),
        "target_state": target_state(card, now),
        "status": current,
        "stage": stage,
        "pickup": stage is not None and card.responsible_id is None,
        "may_take": stage is not None
        and card.responsible_id is None
        and may_take(request.user, card, stage),
        "moves": [o for o in options if not o.needs_lost_reason],
        "lost_option": next((o for o in options if o.needs_lost_reason), None),
        "may_edit": editor and not finished,
        # The assignee picker's people: one query, only where the card may be edited.
        "people": list(people_holding_role_in(card.process)) if editor and not finished else [],
        "may_add_documents": editor and (not finished or card.process.documents_when_finished),
        "finished": finished,
        "items": items,
        "panels": card_panels(request, card, may_edit=editor and not finished),
        "links": card_links(card),
        "documents": list(card.documents.all()),
        "approvals_current": [a for a in approvals if a.status in CURRENT_STATUSES],
        "approvals_past": [a for a in approvals if a.status not in CURRENT_STATUSES],
        "timeline": card_timeline(
            card,
            statuses,
            {r.slug: r.name for r in block_reasons},
            people=people_by_username(card.events.all(), known=known),
            transitions={t.name: t.label for t in card.process.transitions.all()},
        )[::-1],
        "transition_form": bound.get("transition") or TransitionForm(),
        "block_form": bound.get("block") or BlockForm(block_reasons=block_reasons),
        "unblock_form": bound.get("unblock") or UnblockForm(),
        "item_form": bound.get("item") or LineItemForm(),
        "document_form": bound.get("document") or DocumentForm(),
        "comment_form": bound.get("comment") or CommentForm(),
        "exception_form": bound.get("exception") or ExceptionForm(),
        "error": error,
        "error_title": _refusal_title(error),
        "unmet": unmet,
        "refused_move": refused_move,
        "nav": "board",
    }
    return render(request, "processes/card_detail.html", context, status=status)


def _refusal_title(error) -> str:
    # A refused move's message repeats its reasons after a colon: the list says them once.
    if error is None:
        return ""
    return error.message.partition(":")[0] + "." if getattr(error, "unmet", None) else error.message


@require_safe
def card_detail(request, card_id: int):
    return _render_card(request, card_id, mark_read=True)


@require_POST
def card_comment(request, card_id: int):
    done = {}

    def act(card, data):
        done["added"] = services.card_comment_add(
            actor=request.user, card=card, text=data["text"], now=timezone.now()
        )

    def success(card) -> str:
        added = done["added"]
        text = "Comment added."
        if added.mentioned:
            text += " Notified: " + ", ".join(f"@{name}" for name in added.mentioned) + "."
        if added.ignored:
            names = ", ".join(f"@{name}" for name in added.ignored)
            text += f" Not notified (no role in this process): {names}."
        return text

    return card_action(
        request,
        card_id,
        key="comment",
        form=CommentForm(request.POST),
        act=act,
        success=success,
        redirect_to=lambda card: (
            reverse("card-detail", args=[card_id]) + f"#event-{done['added'].event.pk}"
        ),
    )


def _wants_json(request) -> bool:
    # The board's drag and drop posts the same form and reads the answer as JSON.
    return "application/json" in request.headers.get("Accept", "")


def card_action(
    request,
    card_id: int,
    *,
    key: str,
    form,
    act,
    success,
    move: str = "",
    redirect_to="",
):
    """Run one card action from a POSTed form; refusals re-render the page with their status.

    `form` is a bound form, or makes one from the card; `act(card, cleaned_data)` calls the
    service; `success` is the message, or makes it from the changed card; `redirect_to` is where
    the page goes next (the card's page by default), or makes it from the card. On a conflict the
    page shows the fresh card and fresh forms, so nothing typed on a stale page is resubmitted
    unseen. A request that accepts JSON gets the outcome as JSON with the same status.
    """
    card = card_or_404(request.user, card_id)
    if callable(form):
        form = form(card)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"detail": "Check the form.", "errors": form.errors}, status=400)
        return _render_card(request, card_id, status=400, bound={key: form})
    try:
        act(card, form.cleaned_data)
    except DomainError as exc:
        if _wants_json(request):
            return JsonResponse(
                {"detail": _refusal_title(exc), "unmet": getattr(exc, "unmet", [])},
                status=exc.http_status,
            )
        return _card_refused(request, card_id, exc, key=key, form=form, move=move)
    text = success(card) if callable(success) else success
    if _wants_json(request):
        # The deadline as the card now stands: the board redraws a dragged tile's mark with it.
        now = timezone.now()
        state = sla_state(card, now)
        sla = {"state": state, "text": sla_text(card, now) if state else ""}
        return JsonResponse(
            {"detail": text, "status": card.status, "version": card.version, "sla": sla}
        )
    messages.success(request, text)
    if callable(redirect_to):
        redirect_to = redirect_to(card)
    return redirect(redirect_to or reverse("card-detail", args=[card_id]))


def service_act(request, service, *fields: str, **extra):
    """`act` for `card_action`: `service(actor=, card=, expected_version=, **extra)` with the
    form's `fields` (the version is the one the page was drawn from: a change since is a
    conflict, not overwritten)."""

    def act(card, data):
        values = {name: data[name] for name in fields}
        return service(
            actor=request.user, card=card, expected_version=data["version"], **values, **extra
        )

    return act


def _card_refused(request, card_id: int, exc: DomainError, *, key: str, form, move: str):
    if isinstance(exc, InvalidInput):
        add_form_errors(form, exc.errors)
        return _render_card(request, card_id, status=exc.http_status, bound={key: form})
    if isinstance(exc, TransitionRefused):
        return _render_card(
            request,
            card_id,
            status=exc.http_status,
            error=exc,
            bound={key: form},
            refused_move=move,
        )
    # A conflict shows the fresh card and fresh forms.
    return _render_card(request, card_id, status=exc.http_status, error=exc)


@require_POST
def card_transition(request, card_id: int, name: str):
    return card_action(
        request,
        card_id,
        key="transition",
        form=TransitionForm(request.POST),
        act=service_act(request, services.card_transition, "comment", "lost_reason", name=name),
        success=lambda card: f"Moved to {card.process.statuses.get(slug=card.status).name}.",
        move=name,
    )


@require_POST
def card_block(request, card_id: int):
    return card_action(
        request,
        card_id,
        key="block",
        form=lambda card: BlockForm(request.POST, block_reasons=card.process.block_reasons.all()),
        act=service_act(request, services.card_block, "reason", "note"),
        success="The card is blocked.",
    )


@require_POST
def card_unblock(request, card_id: int):
    return card_action(
        request,
        card_id,
        key="unblock",
        form=UnblockForm(request.POST),
        act=service_act(request, services.card_unblock, "note"),
        success="The card is unblocked.",
    )


@require_POST
def card_item_add(request, card_id: int):
    return card_action(
        request,
        card_id,
        key="item",
        form=LineItemForm(request.POST),
        act=service_act(
            request, services.card_item_add, "product", "quantity", "unit_price", "unit_cost"
        ),
        success="Line item added.",
    )


@require_POST
def card_document_add(request, card_id: int):
    return card_action(
        request,
        card_id,
        key="document",
        form=DocumentForm(request.POST, request.FILES),
        act=service_act(request, services.document_add, "file", "name"),
        success="Document uploaded.",
    )


@require_safe
def document_download(request, card_id: int, document_id: int):
    # MEDIA is not served publicly: every download passes the card's visibility check.
    card = card_or_404(request.user, card_id)
    document = card.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(document.file.name))
