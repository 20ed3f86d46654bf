"""/decisions/: open decisions (mine first, overdue flagged), closed as done or dropped by
their owners; and /model-health/."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from opmodel.errors import Conflict, Forbidden, InvalidInput
from reviews import selectors
from reviews.definitions import DEFINITIONS, DecisionState
from reviews.forms import DoneForm, DropForm
from reviews.selectors.effect import effects
from reviews.selectors.health import model_health
from reviews.services.decisions import decision_done, decision_drop
from reviews.views.common import pick_process

STATES = ["open", "overdue", "done", "dropped"]


@require_safe
def decision_list(request):
    state = request.GET.get("state", "open")
    if state not in STATES:
        state = "open"
    today = timezone.localdate()
    decisions = list(selectors.decisions_for(request.user, state=state, today=today)[:200])
    measured = effects(decisions, today=today)
    for decision in decisions:
        decision.measured = measured.get(decision.pk)
    context = {
        "decisions": decisions,
        "state": state,
        "states": STATES,
        "today": today,
        "done_form": DoneForm(),
        "drop_form": DropForm(),
        "definitions": DEFINITIONS,
        "nav": "reviews",
    }
    return render(request, "reviews/decision_list.html", context)


def _close(request, decision_id: int, form_class, action, field: str, words: str):
    decision = selectors.decisions_visible_to(request.user).filter(pk=decision_id).first()
    if decision is None:
        raise Http404("No such decision.")
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, f"Decision #{decision.pk}: {form.errors[field][0]}")
        return redirect("decision-list")
    try:
        action(actor=request.user, decision=decision, now=timezone.now(), **form.cleaned_data)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except InvalidInput as exc:
        # The fields' own words (a rule decision asks for its version or a reason).
        words = " ".join(m for errors in exc.errors.values() for m in errors)
        messages.error(request, f"Decision #{decision.pk}: {words or exc.message}")
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Decision marked {words}.")
    return redirect("decision-list")


@require_POST
def decision_mark_done(request, decision_id: int):
    return _close(request, decision_id, DoneForm, decision_done, "note", DecisionState.DONE)


@require_POST
def decision_mark_dropped(request, decision_id: int):
    return _close(request, decision_id, DropForm, decision_drop, "reason", DecisionState.DROPPED)


@require_safe
def model_health_page(request):
    process, processes = pick_process(request)
    health = model_health(process, now=timezone.now())
    context = {
        "process": process,
        "processes": processes,
        "health": health,
        "definitions": DEFINITIONS,
        "nav": "health",
    }
    return render(request, "reviews/model_health.html", context)
